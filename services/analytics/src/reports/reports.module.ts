import { Module } from '@nestjs/common';

/** Reports: wiring of this feature's controllers, consumers and providers. */
@Module({})
export class ReportsModule {}
