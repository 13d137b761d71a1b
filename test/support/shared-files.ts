import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentImagesDir, styleImagesDir, vgg19Block3Dir } from '../../libs/core/src/testing/shared-data';

export const contentImage = (name = 'tubingen.jpg') => fs.readFileSync(path.join(contentImagesDir(), name));
export const styleImage = (name = 'starry_night.jpg') => fs.readFileSync(path.join(styleImagesDir(), name));
export const vggBlock3Url = () => pathToFileURL(path.join(vgg19Block3Dir(), 'model.json')).href;

/** A multipart body for POST /v1/renders. */
export function renderForm(parts: { content?: Buffer; styles?: Buffer[]; options?: unknown; extra?: Record<string, Buffer> }): FormData {
  const form = new FormData();
  if (parts.content) form.append('content', new Blob([parts.content]), 'content.jpg');
  for (const [i, style] of (parts.styles ?? []).entries()) form.append('style', new Blob([style]), `style-${i}.jpg`);
  if (parts.options !== undefined) form.append('options', typeof parts.options === 'string' ? parts.options : JSON.stringify(parts.options));
  for (const [name, bytes] of Object.entries(parts.extra ?? {})) form.append(name, new Blob([bytes]), `${name}.bin`);
  return form;
}
