package quota

// LambdaAsyncRequest is the largest event Lambda accepts for an
// asynchronous (Event) invoke, in bytes: 1 MB since Lambda raised it from
// 256 KB.
const LambdaAsyncRequest = 1 << 20
