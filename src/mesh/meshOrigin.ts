/** The transaction origin of updates the mesh applies: who sent them, how far they came. */
export class MeshOrigin {
  constructor(
    readonly from: string,
    readonly hops: number,
  ) {}
}
