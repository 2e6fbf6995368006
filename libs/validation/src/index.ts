export { schemaValidator, toFieldProblem, type SchemaValidator } from './schema-validator';
