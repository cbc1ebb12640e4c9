import { library } from './model';

// Mongoose models: `Model.find()` is a thenable query; `.cursor()` and `.eachAsync()` iterate.
export const mongooseModel = library({
  id: 'mongoose',
  modules: /^mongoose$/,
  handleTypes: ['Model', 'Connection', 'Document', 'ClientSession'],
  constructors: ['model', 'createConnection'],
  writeMethods: ['save', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'findByIdAndUpdate', 'findByIdAndDelete', 'findByIdAndRemove', 'findOneAndUpdate', 'findOneAndDelete', 'create', 'insertMany', 'bulkWrite', 'replaceOne', 'remove', 'update'],
  readMethods: ['find', 'aggregate', 'lean', 'exec'],
  cursorMethods: ['cursor', 'eachAsync'],
  limitMethods: ['limit'],
  limitOptions: ['limit'],
  pageOptions: ['skip'],
  singleRowMethods: ['findOne', 'findById', 'countDocuments', 'exists'],
  transactionCallbacks: ['withTransaction', 'transaction'],
  bulkWriteMethods: ['bulkWrite', 'insertMany', 'bulkSave'],
});
