/** What the metrics route needs of a response: Fastify's reply and Express' response both have it. */
export interface HeaderWriter {
  header(name: string, value: string): unknown;
}
