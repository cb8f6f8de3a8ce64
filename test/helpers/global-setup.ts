// Placeholder replaced by the database test harness; kept minimal so pure-core tests run alone.
export default async function setup(): Promise<void> {}
