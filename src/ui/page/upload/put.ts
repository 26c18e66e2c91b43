/** One PUT of a Blob to a pre-signed URL, with upload progress (fetch has none). */
export interface PutAnswer {
  status: number;
  body: string;
  headers: (name: string) => string | null;
}

export class PutNetworkError extends Error {}
export class PutAborted extends Error {}

export function putBlob(
  url: string,
  headers: Record<string, string>,
  body: Blob,
  onProgress: (sentBytes: number) => void,
  signal: AbortSignal,
): Promise<PutAnswer> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new PutAborted("aborted"));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    for (const [name, value] of Object.entries(headers)) {
      // The browser sets these itself (and refuses to be told).
      if (name === "content-length" || name === "host") continue;
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    const onAbort = () => xhr.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const done = () => signal.removeEventListener("abort", onAbort);
    xhr.onload = () => {
      done();
      resolve({
        status: xhr.status,
        body: xhr.responseText,
        headers: (name) => xhr.getResponseHeader(name),
      });
    };
    xhr.onerror = () => {
      done();
      reject(new PutNetworkError("the connection to S3 failed"));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      done();
      reject(new PutAborted("aborted"));
    };
    xhr.send(body);
  });
}
