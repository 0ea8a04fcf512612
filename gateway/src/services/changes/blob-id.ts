// The git blob id of a text, computed locally: the "version" of a tool file that clients pass back
// as expected_version, equal to what git stores (SHA-1 object format).
import { createHash } from 'node:crypto';

export function blobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
