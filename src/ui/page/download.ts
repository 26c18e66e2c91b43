import type { Role } from "../../core/roles.js";
import { api } from "./api.js";

/**
 * Has the server sign a GET (as an attachment) and lets the browser fetch it.
 * The page never sees the download itself: the browser's downloads do.
 */
export async function startDownload(role: Role, key: string, versionId?: string): Promise<void> {
  const { url } = await api.post<{ url: string }>("download", { role, key, versionId });
  const a = document.createElement("a");
  a.href = url;
  a.rel = "noreferrer";
  document.body.append(a);
  a.click();
  a.remove();
}

/** What the page can truthfully say once the browser has the URL. */
export const handedOver = (key: string) =>
  `Download of ${key} handed to the browser (see its downloads).`;
