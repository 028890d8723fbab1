import type { Notice } from '../../engine/ports/notifier';

/** One kind of notice, as its card builder takes it. */
export type NoticeOf<K extends Notice['kind']> = Extract<Notice, { readonly kind: K }>;
