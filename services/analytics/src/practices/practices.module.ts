import { Module } from '@nestjs/common';

/** Practices: wiring of this feature's controllers, consumers and providers. */
@Module({})
export class PracticesModule {}
