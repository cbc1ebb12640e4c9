// The app's thin client for the billing provider's REST API (not a database).
export interface BillingCustomer {
  id: string;
  email: string;
  metadata: Record<string, string>;
}

export class BillingClient {
  constructor(
    private readonly apiKey: string,
    private readonly baseUrl = 'https://api.billing.example.com/v1',
  ) {}

  readonly customers = {
    update: (id: string, changes: Partial<Omit<BillingCustomer, 'id'>>) =>
      this.request<BillingCustomer>('POST', `/customers/${encodeURIComponent(id)}`, changes),
    create: (customer: Omit<BillingCustomer, 'id'>) => this.request<BillingCustomer>('POST', '/customers', customer),
  };

  private async request<T>(method: string, path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`billing API ${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }
}

/** A one-line terminal progress bar. */
export class ProgressBar {
  private done = 0;
  constructor(private readonly total: number) {}
  update(done: number): void {
    this.done = done;
    process.stderr.write(`\r${this.done}/${this.total}`);
  }
}
