/** What a stored dataset holds; written last as `datasets/<id>/manifest.json`. */
export interface DatasetImage {
  /** Path inside the uploaded archive (for the user). */
  source: string;
  /** Storage key of the checked (PGM → PNG converted) image. */
  key: string;
  format: string;
  width: number;
  height: number;
  sha256: string;
}

export interface DatasetIdentity {
  /** The folder name in the archive. */
  name: string;
  images: DatasetImage[];
  /** Fewer than two images: usable for evaluation and galleries, not as a positive pair. */
  singleImage: boolean;
}

export interface RejectedEntry {
  path: string;
  reason: string;
}

export interface DatasetManifest {
  id: string;
  name: string;
  createdAt: string;
  identities: DatasetIdentity[];
  imageCount: number;
  rejected: RejectedEntry[];
  /** sha256 over the sorted image hashes: equal content, equal hash (whatever the archive order). */
  contentHash: string;
}

/** The summary the API returns for a dataset. */
export function summariseManifest(manifest: DatasetManifest) {
  return {
    id: manifest.id,
    name: manifest.name,
    createdAt: manifest.createdAt,
    identities: manifest.identities.length,
    images: manifest.imageCount,
    singleImageIdentities: manifest.identities.filter((i) => i.singleImage).map((i) => i.name),
    contentHash: manifest.contentHash,
    rejected: manifest.rejected,
  };
}
export type DatasetSummary = ReturnType<typeof summariseManifest>;
