/** A page of a list endpoint, as the API answers it. */
export interface Page<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

export interface ListParams {
  /** Items per page, 1 to 100 (the API's default is 10). */
  limit?: number;
  /** An id from a previous page: the list continues after it (lists run newest first). */
  starting_after?: string;
}

/**
 * The answer of a list method: `await` it for one page, or `for await` over it for every item,
 * page after page. The API's cursor is the last id of a page (`starting_after`), as in
 * lib/money/payments/query.ts: ids are time-ordered.
 */
export class PageRequest<T extends { id: string }> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private first: Promise<Page<T>> | undefined;

  constructor(
    private readonly fetchPage: (params: ListParams) => Promise<Page<T>>,
    private readonly params: ListParams,
  ) {}

  then<A = Page<T>, B = never>(
    onFulfilled?: ((page: Page<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.firstPage().then(onFulfilled, onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let page = await this.firstPage();
    for (;;) {
      yield* page.data;
      const last = page.data.at(-1);
      if (!page.has_more || last === undefined) return;
      page = await this.fetchPage({ ...this.params, starting_after: last.id });
    }
  }

  private firstPage(): Promise<Page<T>> {
    this.first ??= this.fetchPage(this.params);
    return this.first;
  }

  /** Every item up to `max`, across pages. */
  async toArray(max = 10_000): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) {
      if (items.length >= max) break;
      items.push(item);
    }
    return items;
  }
}
