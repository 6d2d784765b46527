// Files that exist only in this process's memory: the demo's client key and known_hosts, so no key is ever
// written to disk (a demo ended by a hang-up or a kill leaves nothing behind). The key and known-hosts readers
// look here first. The demo names them under /dev/null/, where no real file can exist.

const files = new Map<string, string>();

export function putMemoryFile(path: string, text: string): void {
  files.set(path, text);
}

export function dropMemoryFile(path: string): void {
  files.delete(path);
}

/** The text of an in-memory file, or undefined when `path` is an ordinary one. */
export function memoryFile(path: string): string | undefined {
  return files.get(path);
}
