// Placeholder until this service is built: it says so and exits.
// eslint-disable-next-line no-console
console.log('mail-service is not built yet');
