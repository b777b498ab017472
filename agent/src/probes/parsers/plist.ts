import { XMLParser } from 'fast-xml-parser';

type XmlNode = Record<string, unknown>;

// preserveOrder keeps each <key> next to its value, which a plist <dict> depends on.
const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false, ignoreDeclaration: true, ignorePiTags: true });

const tagOf = (node: XmlNode): string | undefined => Object.keys(node).find((k) => k !== ':@');
const childrenOf = (node: XmlNode, tag: string): XmlNode[] => (Array.isArray(node[tag]) ? (node[tag] as XmlNode[]) : []);
const textOf = (node: XmlNode, tag: string): string =>
  childrenOf(node, tag)
    .map((c) => (typeof c['#text'] === 'string' || typeof c['#text'] === 'number' ? String(c['#text']) : ''))
    .join('');

function convert(node: XmlNode): unknown {
  const tag = tagOf(node);
  switch (tag) {
    case 'dict': {
      const out: Record<string, unknown> = {};
      let key: string | undefined;
      for (const child of childrenOf(node, tag)) {
        const childTag = tagOf(child);
        if (!childTag || childTag === '#text') continue;
        if (childTag === 'key') key = textOf(child, 'key');
        else if (key !== undefined) {
          out[key] = convert(child);
          key = undefined;
        }
      }
      return out;
    }
    case 'array':
      return childrenOf(node, tag)
        .filter((c) => tagOf(c) !== '#text')
        .map(convert);
    case 'integer':
    case 'real':
      return Number(textOf(node, tag));
    case 'true':
      return true;
    case 'false':
      return false;
    case 'string':
    case 'date':
    case 'data':
      return textOf(node, tag);
    default:
      return undefined;
  }
}

/** Converts an Apple XML property list (`system_profiler -xml`, `diskutil -plist`) to plain values. */
export function parsePlist(xml: string): unknown {
  const doc = parser.parse(xml) as XmlNode[];
  const root = doc.find((n) => tagOf(n) === 'plist');
  if (!root) throw new Error('not a property list: no <plist> element');
  const value = childrenOf(root, 'plist').find((c) => tagOf(c) !== '#text');
  return value ? convert(value) : undefined;
}
