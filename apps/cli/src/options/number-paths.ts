/**
 * The dotted paths of every numeric field of a request type: `'steps' | 'loss.margin' | …`.
 * Flag tables use it for their targets, so an option renamed in the contract (@facestyle/core)
 * breaks the CLI's build instead of being silently sent under its old name.
 */
export type NumberPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends number
    ? `${Prefix}${K}`
    : NonNullable<T[K]> extends readonly unknown[]
      ? never
      : NonNullable<T[K]> extends object
        ? NumberPaths<NonNullable<T[K]>, `${Prefix}${K}.`>
        : never;
}[keyof T & string];
