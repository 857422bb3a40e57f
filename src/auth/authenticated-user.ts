/** What `@CurrentUser()` gives a handler: the user behind the request's bearer token. */
export interface AuthenticatedUser {
  id: string;
  email: string;
}
