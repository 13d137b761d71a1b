import fs from 'node:fs';
import path from 'node:path';

/**
 * Test data lives outside the repository (`../shared` next to the checkout): AT&T faces,
 * content/style images and truncated VGG19 weights. `FACESTYLE_SHARED_DIR` overrides it.
 */
export function sharedDir(): string {
  const dir = process.env.FACESTYLE_SHARED_DIR ?? path.resolve(__dirname, '../../../../../shared');
  if (!fs.existsSync(dir)) throw new Error(`test data folder ${dir} is missing; set FACESTYLE_SHARED_DIR`);
  return dir;
}

export const attFacesDir = () => path.join(sharedDir(), 'datasets/att-faces');
export const contentImagesDir = () => path.join(sharedDir(), 'images/content');
export const styleImagesDir = () => path.join(sharedDir(), 'images/style');
export const vgg19Block3Dir = () => path.join(sharedDir(), 'models/vgg19-block3');
