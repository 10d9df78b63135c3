/** A minimal valid DOCX (WordprocessingML in a ZIP): content types, package relationships, core properties, the document. */
import { zip } from './zip.ts';

export interface DocxParagraph {
  text: string;
  bold?: boolean;
  align?: 'left' | 'center' | 'right';
}

export interface DocxDocument {
  title: string;
  author: string;
  created: Date;
  paragraphs: readonly DocxParagraph[];
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';

const CONTENT_TYPES = `${HEADER}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`
  + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
  + '<Default Extension="xml" ContentType="application/xml"/>'
  + '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
  + '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
  + '</Types>';

const RELS = `${HEADER}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
  + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
  + '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
  + '</Relationships>';

function coreXml(doc: DocxDocument): string {
  const at = doc.created.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${HEADER}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`
    + `<dc:title>${xml(doc.title)}</dc:title><dc:creator>${xml(doc.author)}</dc:creator>`
    + `<dcterms:created xsi:type="dcterms:W3CDTF">${at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${at}</dcterms:modified>`
    + '</cp:coreProperties>';
}

function paragraphXml(p: DocxParagraph): string {
  const pPr = p.align && p.align !== 'left' ? `<w:pPr><w:jc w:val="${p.align}"/></w:pPr>` : '';
  const rPr = p.bold ? '<w:rPr><w:b/></w:rPr>' : '';
  const run = p.text ? `<w:r>${rPr}<w:t xml:space="preserve">${xml(p.text)}</w:t></w:r>` : '';
  return `<w:p>${pPr}${run}</w:p>`;
}

function documentXml(doc: DocxDocument): string {
  return `${HEADER}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`
    + doc.paragraphs.map(paragraphXml).join('')
    + '<w:sectPr><w:pgSz w:w="12240" w:h="15840"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr>'
    + '</w:body></w:document>';
}

export function docx(doc: DocxDocument): Buffer {
  return zip(
    [
      { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES, 'utf8') },
      { name: '_rels/.rels', data: Buffer.from(RELS, 'utf8') },
      { name: 'docProps/core.xml', data: Buffer.from(coreXml(doc), 'utf8') },
      { name: 'word/document.xml', data: Buffer.from(documentXml(doc), 'utf8') },
    ],
    doc.created,
  );
}
