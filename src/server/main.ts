/**
 * Entry point: `node dist-server/server/main.js` (or `node --import tsx src/server/main.ts`).
 * Reads the environment, serves until SIGTERM or SIGINT, then shuts down gracefully and exits 0.
 */
import { ConfigError, loadConfig, type ServerConfig } from './config.js';
import { JsonLogger } from './log.js';
import { MeshServer } from './MeshServer.js';

function readConfig(): ServerConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      // One clear line and a non-zero exit: a stack trace would bury the message.
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = new JsonLogger({ level: config.logLevel });
  const server = new MeshServer(config, logger);
  const { port } = await server.listen();
  process.stdout.write(`MeshChat running at http://localhost:${port}/\n`);
  if (config.staticDir === null) {
    logger.log('warn', 'no built app found (run `npm run build`); serving signaling only');
  }
  const shutdown = (signal: NodeJS.Signals): void => {
    logger.log('info', 'signal received', { signal });
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.log('error', 'shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  // once: a second Ctrl-C falls back to Node's default and ends the process at once.
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
