/*
  Setup of jest's `browser` project. Real browsers on a 2-core machine are
  subject to scheduling noise that no assertion is about (a worker event a
  little late under load): each browser test may run once more, and the
  first failure is printed, so flakiness stays visible in the log. A
  behaviour that is really broken fails both times.
*/
jest.retryTimes(1, {logErrorsBeforeRetry: true});
