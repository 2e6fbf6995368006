import { Injectable } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { OpsQueues } from '../ops-queues';
import { BOARD_ROUTE } from './board-sessions';

/**
 * The bull-board dashboard over every queue operators see (OpsQueues), as an express router that
 * OpsModule mounts at /ops/queues behind BoardAuth.
 *
 * Not @bull-board/nestjs: its 9.10.2 requires @nestjs/bull-shared 12, an ES module that Node 20's
 * require() cannot load (the service fails at import). Its module does no more than this: create
 * the board on the express adapter and mount the adapter's router with a middleware in front.
 */
@Injectable()
export class BoardQueues {
  readonly adapter = new ExpressAdapter();

  constructor(queues: OpsQueues) {
    this.adapter.setBasePath(BOARD_ROUTE);
    createBullBoard({
      queues: queues
        .all()
        .map(
          ({ ref, queue }) =>
            new BullMQAdapter(queue, { description: `${ref.owner} (Redis prefix ${ref.prefix})` }),
        ),
      // @bull-board/express 9.10.1 (the newest published) types against its own @bull-board/api
      // 9.10.1; 9.10.2's board takes the same adapter at run time.
      serverAdapter: this.adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      options: { uiConfig: { boardTitle: 'Social prescribing' } },
    });
  }
}
