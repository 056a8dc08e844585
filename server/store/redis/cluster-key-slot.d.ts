// The package ships no types; this is its one export we use (the slot Redis Cluster gives a key).
declare module 'cluster-key-slot' {
  export default function generate(key: string): number;
}
