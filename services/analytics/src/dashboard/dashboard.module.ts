import { Module } from '@nestjs/common';

/** Dashboard: wiring of this feature's controllers, consumers and providers. */
@Module({})
export class DashboardModule {}
