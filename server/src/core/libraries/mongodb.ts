import { library } from './model';

// MongoDB driver: migrate-mongo passes `up(db, client)`; `db.collection(c).find()` is a cursor.
export const mongodbModel = library({
  id: 'mongodb',
  modules: /^mongodb$/,
  handleTypes: ['Db', 'Collection', 'MongoClient', 'ClientSession', 'FindCursor', 'AggregationCursor'],
  constructors: ['MongoClient'],
  writeMethods: ['updateOne', 'updateMany', 'insertOne', 'insertMany', 'deleteOne', 'deleteMany', 'replaceOne', 'bulkWrite', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete', 'save', 'remove', 'update', 'insert'],
  readMethods: ['find', 'aggregate', 'toArray', 'distinct'],
  cursorMethods: ['find', 'aggregate'],
  limitMethods: ['limit'],
  limitOptions: ['limit'],
  pageOptions: ['skip'],
  singleRowMethods: ['findOne', 'countDocuments', 'estimatedDocumentCount', 'count'],
  transactionCallbacks: ['withTransaction'],
  explicitTransactions: [
    { open: 'startTransaction', handle: 'receiver', commit: ['commitTransaction'], rollback: ['abortTransaction'] },
  ],
  bulkWriteMethods: ['bulkWrite', 'insertMany'],
});
