// Placeholder until this service is built: it says so and exits.
// eslint-disable-next-line no-console
console.log('front-end is not built yet');
