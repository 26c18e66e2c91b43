/**
 * Hashes one part of a file off the main thread: the part is read, digested
 * with crypto.subtle (SHA-256) and dropped; only the base64 digest goes back.
 */
interface HashRequest {
  id: number;
  file: Blob;
  start: number;
  end: number;
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<HashRequest>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = async (event) => {
  const { id, file, start, end } = event.data;
  try {
    const bytes = await file.slice(start, end).arrayBuffer();
    if (bytes.byteLength !== end - start) throw new Error("the file changed while it was read");
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    let binary = "";
    for (const b of digest) binary += String.fromCharCode(b);
    scope.postMessage({ id, checksum: btoa(binary) });
  } catch (err) {
    scope.postMessage({ id, error: (err as Error).message || "the file could not be read" });
  }
};
