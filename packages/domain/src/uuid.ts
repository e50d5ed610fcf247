/** Whether a key is a UUID: an id to look up, rather than a slug or a value PostgreSQL's `::uuid` would refuse. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (key: string): boolean => UUID.test(key);
