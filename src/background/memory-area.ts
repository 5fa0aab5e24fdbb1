// The in-memory session area lives with the other storage adapters in the platform seam.
export { memoryArea } from '../platform/memory-area';
