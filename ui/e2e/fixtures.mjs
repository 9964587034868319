// The chat export the end-to-end tests import: a generic JSONL export (see
// the README's schema) written for these tests. It has a bribe conversation
// in Chinese (a 红包 and a transfer), an English off-channel request, an
// image, one broken record, and hostile content: markup in a message and in a
// sender's name, which must show as characters and never run.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeJsonl } from './harness.mjs';

export const XSS_TEXT = '<img src=x onerror=window.__xss=1> 这份内部文件别外传 <script>window.__xss=2</script>';
export const XSS_NAME = '<img src=y onerror=window.__xss=3>';
export const BRIBE = '给您发个红包，一点辛苦费，别推辞';

export function writeChats(dir) {
  const file = path.join(dir, 'procurement-chats.jsonl');
  const conv = { conversation: 'procurement', conversation_title: '采购部工作群' };
  writeJsonl(file, [
    { ...conv, id: 'p1', sender: 'zhou', sender_name: '周总', timestamp: '2026-03-05T20:30:00+08:00', text: '李工，这段时间项目上的事麻烦您了' },
    { ...conv, id: 'p2', sender: 'li', sender_name: '李工', timestamp: '2026-03-05T20:31:10+08:00', text: '应该的，周总客气了' },
    { ...conv, id: 'p3', sender: 'zhou', sender_name: '周总', timestamp: '2026-03-05T20:32:00+08:00', text: BRIBE },
    { ...conv, id: 'p4', sender: 'zhou', sender_name: '周总', timestamp: '2026-03-05T20:32:30+08:00', kind: 'transfer', amount: '5000.00', currency: 'CNY', text: '感谢关照' },
    { ...conv, id: 'p5', sender: 'li', sender_name: '李工', timestamp: '2026-03-05T20:40:00+08:00', text: '周总，这个不合适，心意领了' },
    {
      ...conv,
      id: 'p6',
      sender: 'li',
      sender_name: '李工',
      timestamp: '2026-03-05T20:41:00+08:00',
      kind: 'image',
      text: '',
      attachments: [{ name: 'IMG_2031.jpg', mime: 'image/jpeg', size: 48213 }],
    },
    '{"conversation": "procurement", "sender": "li", "text": broken record',
    { conversation: 'desk', conversation_title: 'Trading desk', id: 'e1', sender: 'tom', sender_name: 'Tom Baker', timestamp: '2026-03-06T09:15:00-05:00', text: "Let's take this to my personal WhatsApp, not the work chat" },
    { conversation: 'desk', conversation_title: 'Trading desk', id: 'e2', sender: 'ann', sender_name: 'Ann Lee', timestamp: '2026-03-06T09:16:00-05:00', text: 'Please keep it on the recorded line.' },
    { conversation: 'outside', conversation_title: '外部群', id: 'x1', sender: 'mallory', sender_name: XSS_NAME, timestamp: '2026-03-07T10:00:00+08:00', text: XSS_TEXT },
  ]);
  return file;
}

/** A 48×32 PNG: a blue band over red. */
export const PHOTO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAAO0lEQVR4nO3OQQkAMAwEsCqpkvmnsvafgSsjEAGpPrNKxQdCQkJC6cEbmu5VhISEhNKEhISE0oSEvgtdumZQmzZHop8AAAAASUVORK5CYII=',
  'base64',
);
export const GIFT_TEXT = '这是上次说的购物卡，收下吧';

/**
 * An unpacked WhatsApp export (a folder with `_chat.txt` and the photo file)
 * whose photo follows a gift-card offer: the image the case view reveals.
 * A second "photo" is an SVG with a script, named .jpg: it must never render.
 */
export function writeWhatsAppFolder(dir) {
  const folder = path.join(dir, 'WhatsApp Chat - 礼品');
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    path.join(folder, '_chat.txt'),
    [
      `[06.03.26, 10:00:00] 钱经理: ${GIFT_TEXT}`,
      '[06.03.26, 10:00:30] 钱经理: \u200e<attached: 00000001-PHOTO-2026-03-06-10-00-30.png>',
      '[06.03.26, 10:01:00] 钱经理: \u200e<attached: 00000002-PHOTO-2026-03-06-10-01-00.jpg>',
      '[06.03.26, 10:02:00] 赵科长: 好的',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(folder, '00000001-PHOTO-2026-03-06-10-00-30.png'), PHOTO_PNG);
  writeFileSync(
    path.join(folder, '00000002-PHOTO-2026-03-06-10-01-00.jpg'),
    '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=4"><script>window.__xss=5</script></svg>',
  );
  return folder;
}
