// The app's entry point: the only place that wires concrete adapters to the hub.
import './ui/ChatApp';
