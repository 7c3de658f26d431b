// A script that computes on a scheduler and never closes its client: it must still exit.
import { Client } from '@dask-ts/client';
import { delayed } from '@dask-ts/graph';

const client = await Client.connect(process.argv[2], { asDefault: false });
console.log(await client.compute(delayed((x) => x + 1)(41)));
