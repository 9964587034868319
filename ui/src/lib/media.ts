// Attachment bytes arrive base64-encoded in the typed API answer (the same
// answer over Tauri IPC and HTTP). They become a blob: URL typed with what
// the backend found the content to be — never the name or MIME type the
// chat export claimed, so a hostile "photo.jpg" holding SVG or HTML is not
// rendered (the backend leaves `display_type` empty for it).

import type { AttachmentContent } from '../api/types';

export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** What to render, or null when the content is not a displayable image or video. */
export function mediaOf(c: AttachmentContent): { kind: 'image' | 'video'; blob: Blob } | null {
  const t = c.display_type;
  if (!t || !(t.startsWith('image/') || t.startsWith('video/'))) return null;
  return { kind: t.startsWith('video/') ? 'video' : 'image', blob: new Blob([decodeBase64(c.data_base64)], { type: t }) };
}
