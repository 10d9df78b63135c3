/**
 * E-mail (.eml) with mailparser: headers into metadata, the body as text (HTML converted), and
 * the text of supported attachments appended under `----- Attachment: <name> -----` markers.
 * Attachments are not registered as child documents: a court notice and its attached filing are
 * read together, and the pipeline keeps one document per source file.
 */
import { simpleParser, type AddressObject, type Attachment } from 'mailparser';
import { PermanentError } from '../../errors.ts';
import { detectFileType, type DetectedType } from '../detect.ts';
import { htmlToText } from './html-text.ts';
import { countChars, type ExtractResult } from './types.ts';

const ATTACHMENT_MARKER = (name: string) => `----- Attachment: ${name} -----`;
/** Attachment types whose text is extracted (images are not OCR'd, audio is not transcribed). */
const ATTACHMENT_TYPES: ReadonlySet<DetectedType> = new Set(['.pdf', '.docx', '.txt', '.eml', '.html']);

export type AttachmentExtractor = (bytes: Buffer, name: string, type: DetectedType) => Promise<ExtractResult>;

interface AttachmentRecord {
  name: string;
  content_type: string;
  size: number;
  detected_file_type?: string;
  status: 'extracted' | 'skipped' | 'failed';
  reason?: string;
  chars?: number;
}

export async function extractEml(
  bytes: Buffer,
  name: string,
  options: { maxAttachments: number; extract: AttachmentExtractor },
): Promise<ExtractResult> {
  let mail;
  try {
    mail = await simpleParser(bytes, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch (err) {
    throw new PermanentError(`${name}: the e-mail cannot be parsed (${(err as Error).message})`, {
      code: 'DP_ERR_FILE_CORRUPT',
      cause: err,
    });
  }
  const body = (mail.text?.trim() ? mail.text : mail.html ? htmlToText(mail.html) : '').replace(/\r\n?/g, '\n').trim();
  const parts = [body];
  const records: AttachmentRecord[] = [];
  let processed = 0;
  for (const [i, att] of mail.attachments.entries()) {
    const attName = att.filename ?? `attachment-${i + 1}`;
    const record: AttachmentRecord = { name: attName, content_type: att.contentType, size: att.size, status: 'skipped' };
    records.push(record);
    const type = detectFileType(att.content, attName);
    record.detected_file_type = type;
    if (!ATTACHMENT_TYPES.has(type) || isInlineImage(att)) {
      Object.assign(record, { status: 'skipped', reason: `type ${type} is not extracted from e-mails` });
      continue;
    }
    if (processed >= options.maxAttachments) {
      Object.assign(record, { status: 'skipped', reason: `over the limit of ${options.maxAttachments} attachments` });
      continue;
    }
    processed++;
    try {
      const result = await options.extract(att.content, attName, type);
      parts.push(`${ATTACHMENT_MARKER(attName)}\n${result.text.trim()}`);
      Object.assign(record, { status: 'extracted', chars: countChars(result.text) });
    } catch (err) {
      if (!(err instanceof PermanentError)) throw err;
      Object.assign(record, { status: 'failed', reason: err.message });
    }
  }
  const text = parts.filter((p) => p).join('\n\n');
  return {
    text,
    pages: [{ page: 1, method: 'parser', chars: countChars(text), confidence: 100 }],
    pageCount: 1,
    provider: 'eml_parser',
    metadata: {
      email: {
        from: addresses(mail.from),
        to: addresses(mail.to),
        cc: addresses(mail.cc),
        date: mail.date ? mail.date.toISOString() : null,
        subject: mail.subject ?? null,
        message_id: mail.messageId ?? null,
        body_chars: countChars(body),
        attachments: records,
        attachments_skipped: records.filter((r) => r.status === 'skipped').length,
      },
    },
  };
}

function addresses(a: AddressObject | AddressObject[] | undefined): string | null {
  if (!a) return null;
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ') || null;
}

function isInlineImage(att: Attachment): boolean {
  return att.related === true && att.contentType.startsWith('image/');
}
