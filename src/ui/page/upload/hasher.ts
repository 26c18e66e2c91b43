/** A small pool of hashing workers (SHA-256 of file ranges, base64, as S3's x-amz-checksum-sha256). */
export interface Hasher {
  sha256(file: Blob, start: number, end: number): Promise<string>;
}

export function createHasher(size = 2): Hasher {
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  let next = 0;
  let turn = 0;
  const worker = (): Worker => {
    if (workers.length < size) {
      const w = new Worker(new URL("./hash-worker.ts", import.meta.url), { type: "module" });
      w.onmessage = (e: MessageEvent<{ id: number; checksum?: string; error?: string }>) => {
        const waiting = pending.get(e.data.id);
        pending.delete(e.data.id);
        if (e.data.checksum !== undefined) waiting?.resolve(e.data.checksum);
        else waiting?.reject(new Error(e.data.error ?? "hashing failed"));
      };
      workers.push(w);
      return w;
    }
    return workers[turn++ % workers.length] as Worker;
  };
  return {
    sha256(file, start, end) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker().postMessage({ id, file, start, end });
      });
    },
  };
}
