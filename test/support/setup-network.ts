import nock from 'nock';

// No test may reach the internet: only loopback (our own servers, PostgreSQL, Redis, Chromium's page).
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
