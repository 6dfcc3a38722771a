// Group members' photos for the board, fetched through the Rust side (the webview's CSP lets
// it show `data:` images, not talk to the server) and kept for the session: a photo never
// changes under its id, so each is fetched once. A failed fetch is forgotten, so the next
// render tries again (the server may have been unreachable for a moment).
import { backend } from "./backend";

const cache = new Map<string, Promise<string | null>>();

/** The photo as a `data:` URL, or `null` when it cannot be had now. */
export function groupPhotoUrl(groupId: string, photoId: string): Promise<string | null> {
  const key = `${groupId}/${photoId}`;
  let url = cache.get(key);
  if (!url) {
    url = backend.groupsPhoto(groupId, photoId).then((r) => {
      if (r.ok) return r.value;
      cache.delete(key);
      return null;
    });
    cache.set(key, url);
  }
  return url;
}

/** For tests: forget every fetched photo. */
export function forgetGroupPhotos(): void {
  cache.clear();
}
