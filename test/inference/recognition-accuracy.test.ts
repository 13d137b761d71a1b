/**
 * Does a trained run actually recognise people? A small model is trained through the worker on
 * AT&T s1..s30 (s23..s30 held out), then verification and identification are measured through
 * the API on people the model never trained on: the held-out identities, and s31..s40, which
 * are not even in the dataset.
 *
 * The model is CI-sized (32×32 input, 120 steps, about a minute on two busy cores), so single
 * pairs can go either way: the assertions are on rates over many pairs and probes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadAttDataset } from '../support/datasets';
import { http, startTestStack, TestStack } from '../support/test-stack';
import { attArchive, attFace, faceForm, postForm, TrainedRun, trainRun } from './inference-fixtures';

const HELD_OUT = Array.from({ length: 8 }, (_, i) => 23 + i);
const STRANGERS = Array.from({ length: 10 }, (_, i) => 31 + i);

let stack: TestStack;
let run: TrainedRun;
const url = (p: string) => `${stack.baseUrl}${p}`;

beforeAll(async () => {
  stack = await startTestStack({ workers: 1, env: { FACESTYLE_TF_BACKEND: 'wasm' } });
  const datasetId = await uploadAttDataset(stack.baseUrl, 1, 30);
  run = await trainRun(stack.baseUrl, {
    datasetId,
    steps: 120,
    model: { inputSize: 32, embeddingDim: 32 },
    sampler: { identitiesPerBatch: 8, imagesPerIdentity: 4 },
    optimizer: { learningRate: 2e-3 },
    validation: { identities: HELD_OUT.map((s) => `s${s}`) },
    evalEvery: 40,
    checkpointEvery: 40,
    seed: 3,
  });
  console.log(`inference accuracy: trained ${run.id}; held-out evaluations ${JSON.stringify(run.evaluations.map((e) => ({ step: e.step, rocAuc: +e.rocAuc.toFixed(4) })))}; best step ${run.bestStep}`);
}, 420_000);
afterAll(() => stack?.stop());

type Verification = { match: boolean; distance: number; threshold: number };
type Identification = { identity: string | null; matches: { identity: string; distance: number }[] };

const verify = async (a: [number, number], b: [number, number], query = '') => {
  const { status, body } = await postForm<Verification>(url(`/v1/training-runs/${run.id}/verify${query}`), faceForm({ imageA: attFace(...a), imageB: attFace(...b) }));
  expect(status).toBe(200);
  return body;
};

/** Same-person pairs (1,2) (3,4) … (9,10) and different-person pairs (sᵢ/k, sᵢ₊₁/k), k = 1..5, of the held-out people. */
const samePairs = HELD_OUT.flatMap((s) => [1, 3, 5, 7, 9].map((k): [[number, number], [number, number]] => [[s, k], [s, k + 1]]));
const differentPairs = HELD_OUT.flatMap((s, i) => [1, 2, 3, 4, 5].map((k): [[number, number], [number, number]] => [[s, k], [HELD_OUT[(i + 1) % HELD_OUT.length], k]]));

describe('recognition with a trained run', () => {
  it('verifies held-out people: same-person pairs match and different-person pairs do not, at the stored threshold', async () => {
    let sameAccepted = 0;
    let differentRejected = 0;
    for (const [a, b] of samePairs) if ((await verify(a, b)).match) sameAccepted++;
    for (const [a, b] of differentPairs) if (!(await verify(a, b)).match) differentRejected++;
    const accuracy = (sameAccepted + differentRejected) / (samePairs.length + differentPairs.length);
    console.log(`inference accuracy: verify same ${sameAccepted}/${samePairs.length}, different ${differentRejected}/${differentPairs.length}, accuracy ${accuracy.toFixed(3)}`);
    // The threshold is the held-out EER point, so both error rates sit near the EER.
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
    expect(sameAccepted / samePairs.length).toBeGreaterThanOrEqual(0.7);
    expect(differentRejected / differentPairs.length).toBeGreaterThanOrEqual(0.7);
  });

  it('a lower target false-accept rate lowers the threshold and accepts fewer pairs', async () => {
    const stored = await verify([HELD_OUT[0], 1], [HELD_OUT[0], 2]);
    const strict = await verify([HELD_OUT[0], 1], [HELD_OUT[0], 2], '?far=0.01');
    expect(strict.threshold).toBeLessThan(stored.threshold);
    let strictAccepted = 0;
    let strictFalseAccepts = 0;
    for (const [a, b] of samePairs) if ((await verify(a, b, '?far=0.01')).match) strictAccepted++;
    for (const [a, b] of differentPairs) if ((await verify(a, b, '?far=0.01')).match) strictFalseAccepts++;
    console.log(`inference accuracy: at FAR 1e-2 threshold ${strict.threshold.toFixed(3)} (stored ${stored.threshold.toFixed(3)}): same accepted ${strictAccepted}/${samePairs.length}, different accepted ${strictFalseAccepts}/${differentPairs.length}`);
    expect(strictFalseAccepts).toBeLessThanOrEqual(2);
  });

  it('enrol one image per held-out person, identify the rest: rank-1 well above chance; strangers rejected at a calibrated threshold', async () => {
    const created = await http<{ id: string }>(url('/v1/galleries'), { method: 'POST', json: { name: 'held-out', runId: run.id } });
    expect(created.status).toBe(201);
    const gallery = created.body.id;
    for (const s of HELD_OUT) expect((await postForm(url(`/v1/galleries/${gallery}/identities/s${s}/images`), faceForm({ image: attFace(s, 1) }))).status).toBe(201);
    const identify = async (subject: number, image: number, query = '') => {
      const { status, body } = await postForm<Identification>(url(`/v1/galleries/${gallery}/identify${query}`), faceForm({ image: attFace(subject, image) }));
      expect(status).toBe(200);
      return body;
    };

    let rank1 = 0;
    let identified = 0;
    let identifiedStrict = 0;
    let probes = 0;
    for (const s of HELD_OUT) {
      for (let image = 2; image <= 10; image++) {
        const body = await identify(s, image, '?k=3');
        probes++;
        if (body.matches[0].identity === `s${s}`) rank1++;
        if (body.identity === `s${s}`) identified++;
        if ((await identify(s, image, '?far=0.01')).identity === `s${s}`) identifiedStrict++;
      }
    }
    let rejected = 0;
    let rejectedStrict = 0;
    let strangers = 0;
    for (const s of STRANGERS) {
      for (let image = 1; image <= 4; image++) {
        strangers++;
        if ((await identify(s, image)).identity === null) rejected++;
        if ((await identify(s, image, '?far=0.01')).identity === null) rejectedStrict++;
      }
    }
    const chance = 1 / HELD_OUT.length;
    console.log(
      `inference accuracy: identify rank-1 ${rank1}/${probes} = ${(rank1 / probes).toFixed(3)} (chance ${chance.toFixed(3)}); ` +
        `at the stored (EER) threshold: identified ${identified}/${probes}, strangers rejected ${rejected}/${strangers}; ` +
        `at the FAR 1e-2 threshold: identified ${identifiedStrict}/${probes}, strangers rejected ${rejectedStrict}/${strangers}`,
    );
    expect(rank1 / probes).toBeGreaterThanOrEqual(0.6);
    // The stored threshold is the EER point of single pairs; a stranger is rejected only if every
    // one of the K enrolled people is farther than it, so with K = 8 about (1 − FAR)^8 of them
    // are. The threshold for a 1% pair FAR keeps the gallery's false accepts down.
    expect(rejectedStrict / strangers).toBeGreaterThan(0.5);
    expect(rejectedStrict).toBeGreaterThanOrEqual(rejected);
    expect(identifiedStrict / probes).toBeGreaterThan(3 * chance);
  });

  it('evaluates on an uploaded archive of people outside the dataset', async () => {
    const { status, body } = await http<{
      verification: { rocAuc: number; eer: number; accuracy: number; tarAtFar: Record<string, number> };
      identification: { rank1Accuracy: number; chanceRank1Accuracy: number; falseAcceptRate: number; detectionAndIdentificationRate: number };
    }>(url(`/v1/training-runs/${run.id}/evaluate`), { method: 'POST', body: await attArchive(31, 40), headers: { 'content-type': 'application/gzip' } });
    expect(status).toBe(200);
    console.log(`inference accuracy: evaluate s31..s40 ${JSON.stringify(body)}`);
    expect(body.verification.rocAuc).toBeGreaterThan(0.85);
    expect(body.identification.rank1Accuracy).toBeGreaterThan(4 * body.identification.chanceRank1Accuracy);
  });
});
