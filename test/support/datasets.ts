import { buildTarGz, folderEntries } from '../../libs/core/src/datasets/testing/archive-builders';
import { attFacesDir } from '../../libs/core/src/testing/shared-data';
import { http } from './test-stack';

/** Uploads AT&T identities s<from>..s<to> as a dataset and returns its id. */
export async function uploadAttDataset(baseUrl: string, from: number, to: number, headers: Record<string, string> = {}): Promise<string> {
  const identities = Array.from({ length: to - from + 1 }, (_, i) => `s${from + i}`);
  const archive = await buildTarGz(folderEntries(attFacesDir(), identities));
  const { status, body } = await http<{ id: string; message?: string }>(`${baseUrl}/v1/datasets?name=att-${from}-${to}`, {
    method: 'POST',
    body: archive,
    headers: { 'content-type': 'application/gzip', ...headers },
  });
  if (status !== 201) throw new Error(`dataset upload failed: ${status} ${body.message}`);
  return body.id;
}
