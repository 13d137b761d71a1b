import { BadRequestException, UnprocessableEntityException } from '@nestjs/common';
import type { Request } from 'express';
import { CheckedImage, checkImage, ImageLimits, ImageRejectedError } from '@facestyle/core';
import { parseMultipart } from '../uploads/multipart-form';

/**
 * Face images sent for inference or enrolment: any format a dataset accepts, bounded so one
 * request cannot ask for a huge decode (faces are small crops).
 */
export const FACE_IMAGE_LIMITS: ImageLimits = {
  maxPixels: 25_000_000,
  maxBytes: 10 * 1024 * 1024,
  maxFrames: 1,
  formats: ['jpeg', 'png', 'webp', 'gif', 'pgm'],
};

/** One uploaded face image, checked by content; `field` names it in errors (`imageA`, `image[1]`). */
export interface FaceImagePart {
  field: string;
  image: CheckedImage;
}

export interface FaceImageFields {
  /** File fields with how many images each accepts (at least one each). */
  [field: string]: { max: number };
}

/**
 * Reads a multipart request whose file fields are face images: a missing field is a 400, an
 * image that is not a decodable picture within the limits is a 422, both naming the field.
 */
export async function readFaceImages(request: Request, fields: FaceImageFields): Promise<Record<string, FaceImagePart[]>> {
  const names = Object.keys(fields);
  const maxFiles = names.reduce((n, name) => n + fields[name].max, 0);
  // One file over the total, so that a stray field is reported by its name rather than as "too many files".
  const form = await parseMultipart(request, { fileBytes: FACE_IMAGE_LIMITS.maxBytes, files: maxFiles + 1, fieldBytes: 1024, fileFields: names, textFields: [] });
  const out: Record<string, FaceImagePart[]> = {};
  for (const name of names) {
    const files = form.files.filter((f) => f.field === name);
    if (files.length === 0) throw new BadRequestException(`${name}: required (a multipart file field with a face image)`);
    if (files.length > fields[name].max) throw new BadRequestException(`${name}: at most ${fields[name].max} image${fields[name].max === 1 ? '' : 's'}, got ${files.length}`);
    out[name] = [];
    for (const [i, file] of files.entries()) {
      const field = fields[name].max === 1 ? name : `${name}[${i}]`;
      out[name].push({ field, image: await checkFaceImage(field, file.bytes) });
    }
  }
  return out;
}

/** Checks one image's bytes; a 422 naming `field` when it is not a usable picture. */
export async function checkFaceImage(field: string, bytes: Uint8Array): Promise<CheckedImage> {
  try {
    return await checkImage(bytes, FACE_IMAGE_LIMITS);
  } catch (err) {
    if (err instanceof ImageRejectedError) throw new UnprocessableEntityException(`${field}: ${err.message}`);
    throw err;
  }
}
