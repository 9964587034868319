import { describe, expect, it } from 'vitest';
import { decodeBase64, mediaOf } from './media';
import type { AttachmentContent } from '../api/types';

const base: AttachmentContent = {
  id: 1,
  file_name: 'photo.jpg',
  mime: 'image/jpeg',
  display_type: 'image/png',
  size_bytes: 4,
  sha256: 'x',
  data_base64: btoa('\x89PNG'),
};

describe('attachment media', () => {
  it('decodes base64 to the exact bytes', () => {
    expect(Array.from(decodeBase64(btoa('\x00\xff\x10A')))).toEqual([0, 255, 16, 65]);
  });
  it('types the blob by content, not by the declared mime', async () => {
    const m = mediaOf(base)!;
    expect(m.kind).toBe('image');
    expect(m.blob.type).toBe('image/png');
    expect(new Uint8Array(await m.blob.arrayBuffer())[0]).toBe(0x89);
    expect(mediaOf({ ...base, display_type: 'video/mp4' })!.kind).toBe('video');
  });
  it('renders nothing the backend did not prove displayable', () => {
    expect(mediaOf({ ...base, display_type: null })).toBeNull();
    expect(mediaOf({ ...base, display_type: 'text/html' })).toBeNull();
  });
});
