// The jobs the demo runs against a live API. Each prints what it did.
async function json(url, init = {}) {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers || {}) } });
  const body = await response.json();
  if (!response.ok) throw new Error(`${init.method || 'GET'} ${url}: ${response.status} ${body.message}`);
  return body;
}

async function waitFor(url, done, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await json(url);
    if (done(body)) return body;
    if (Date.now() > deadline) throw new Error(`timed out waiting on ${url}: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function demoSteps({ baseUrl, step }) {
  step('diagnostics: an echo job through queue, worker and storage');
  const { id } = await json(`${baseUrl}/v1/diagnostics/echo`, { method: 'POST', body: JSON.stringify({ message: 'hello from the demo' }) });
  const record = await waitFor(`${baseUrl}/v1/diagnostics/echo/${id}`, (r) => ['completed', 'failed'].includes(r.status));
  console.log(`  job ${id}: ${record.status} after ${record.attempts} attempt(s); stored ${record.result?.key}`);
  if (record.status !== 'completed') throw new Error(`echo job failed: ${record.error}`);
}
