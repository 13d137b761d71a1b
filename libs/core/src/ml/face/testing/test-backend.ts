/**
 * Backend for the face unit tests: the pure-JS cpu backend (deterministic, always present),
 * unless `FACESTYLE_TF_BACKEND` names another one.
 */
import { BackendInfo, initBackend } from '../../backend/backend-choice';
import { BACKEND_PREFERENCES, BackendPreference } from '../../backend/backend-preference';

export async function initFaceTestBackend(): Promise<BackendInfo> {
  const raw = process.env.FACESTYLE_TF_BACKEND;
  const preference = (BACKEND_PREFERENCES as readonly string[]).includes(raw ?? '') ? (raw as BackendPreference) : 'cpu';
  return initBackend(preference);
}
