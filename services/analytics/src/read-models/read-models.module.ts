import { Module } from '@nestjs/common';

/** ReadModels: wiring of this feature's controllers, consumers and providers. */
@Module({})
export class ReadModelsModule {}
