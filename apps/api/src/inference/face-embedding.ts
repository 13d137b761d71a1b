import { UnprocessableEntityException } from '@nestjs/common';
import { embedFaces, ImageDecodeError, preprocessFaceImage } from '@facestyle/core';
import { LoadedCheckpoint } from './embedding-model-cache';

/** Images per forward pass when many are embedded at once (enrolment, re-embedding, evaluation). */
const BATCH_SIZE = 32;

/**
 * Embeds face images with a loaded checkpoint exactly as its held-out evaluation did (which is
 * what its threshold was chosen on): preprocessed as in training (decode, cover-resize and
 * centre-crop to the input size, grey or RGB, the run's normalisation), and flip-averaged when
 * the checkpoint says so.
 * Forward passes run in `tf.tidy` and their outputs are disposed once read (`embedFaces`).
 * An image that cannot be preprocessed is a 422 naming its field.
 *
 * No face detection or alignment: runs are trained on face crops and their preprocessing
 * records none, so the crop sent is the face the model sees.
 */
export async function embedFaceImages(checkpoint: LoadedCheckpoint, images: readonly { field: string; bytes: Uint8Array }[]): Promise<Float32Array[]> {
  const pixels: Float32Array[] = [];
  for (const image of images) {
    try {
      pixels.push(await preprocessFaceImage(image.bytes, checkpoint.preprocessing));
    } catch (err) {
      if (err instanceof ImageDecodeError) throw new UnprocessableEntityException(`${image.field}: ${err.message}`);
      throw err;
    }
  }
  return embedFaces(checkpoint.model, pixels, { batchSize: BATCH_SIZE, flipAverage: checkpoint.flipAverage });
}
