// `sandbox.nopass`: the NoPass server stand-in's control API (core's `nopass.*` operations):
// it registers a portal, completes user registrations and drives logins by calling the
// portal's callbacks over HTTP. Those calls resolve Promises: the portal they call may be
// served by this very process, whose JavaScript thread must stay free to answer. Each takes
// `{ signal }` last, as every async call of the package does.
import type { CallOptions } from '../../index.js'
import { type ControlChannel, fromWire, fromWireOrNull, toWire } from './control.js'

/** The portal as the stand-in registered it. */
export interface NoPassSandboxPortal {
  portalId: string
  /** The bearer token the stand-in expects on the portal's calls. */
  authToken: string
  /** The sCode the portal answered in pre-registration. */
  sCode: string
}

/** A PreRegisterUser the stand-in received, waiting for the user to register. */
export interface NoPassSandboxPreRegistration {
  userId: string
  otp: string
  registerLink: string
  clientIp?: string
  redirectUrl?: string
  givenName?: string
  surName?: string
  phoneNumber?: string
  email?: string
}

/** The portal's answer to one callback. */
export interface NoPassCallbackReply {
  status: number
  /** The body as JSON (`null` when empty). */
  body: any
  /** 200 with no errors. */
  success: boolean
  /** The envelope's `result`, or the bare body. */
  result: any
  /** The first error's `code` and `message`. */
  errorCode?: string
  errorMessage?: string
}

/** A callback's answer as core gives it; `body` and `result` keep their `null`. */
function reply (answer: { body: unknown, result: unknown }): NoPassCallbackReply {
  return { ...fromWire<NoPassCallbackReply>(answer), body: answer.body, result: answer.result }
}

/** The NoPass server stand-in's control API (`sandbox.nopass`). */
export class NoPassSandbox {
  /** @internal */
  constructor (private readonly channel: ControlChannel) {}

  /** Where the portal's callbacks are (`http://host:port`, the mount path included). */
  setPortalUrl (url: string): void { this.channel.now('nopass.set_portal_url', { url }) }

  /** A portal running as several replicas: each callback goes to the next URL in turn. */
  setPortalUrls (urls: string[]): void { this.channel.now('nopass.set_portal_urls', { urls }) }

  /** Where the portal's callbacks go next, or `null` before `setPortalUrl`. */
  portalUrl (): string | null { return this.channel.now('nopass.portal_url') }

  /**
   * Delivers a callback up to `times` more times when a replica cannot be reached or answers
   * 503, as the NoPass server retries (off by default).
   */
  setRedeliveries (times: number): void { this.channel.now('nopass.set_redeliveries', { times }) }

  /** The portal as registered by `registerPortal`, or `null`. */
  registration (): NoPassSandboxPortal | null { return fromWireOrNull(this.channel.now('nopass.registration')) }

  /** Takes `portal` as registered without calling the portal. */
  setRegistration (portal: NoPassSandboxPortal): void {
    this.channel.now('nopass.set_registration', { portal: toWire(portal) })
  }

  /** Makes `userId` a NoPass user who can log in. */
  addUser (userId: string): void { this.channel.now('nopass.add_user', { userId }) }

  /** Whether `userId` is a NoPass user. */
  hasUser (userId: string): boolean { return this.channel.now('nopass.has_user', { userId }) }

  /** The PreRegisterUser received for `userId` and not completed yet, or `null`. */
  preRegistration (userId: string): NoPassSandboxPreRegistration | null {
    return fromWireOrNull(this.channel.now('nopass.pre_registration', { userId }))
  }

  /** The `authId` of the last login RequestAuthorization started for `userId`. */
  lastAuthId (userId: string): string | null { return this.channel.now('nopass.last_auth_id', { userId }) }

  /** The user a login's `authId` was issued for. */
  loginUser (authId: string): string | null { return this.channel.now('nopass.login_user', { authId }) }

  /** POSTs `body` to the portal's callback `callback` and resolves with its answer. */
  async send (callback: string, body: any, options?: CallOptions): Promise<NoPassCallbackReply> {
    return reply(await this.channel.later('nopass.send', { callback, body }, options))
  }

  /**
   * Registers the portal as the NoPass console does (ConfirmPreRegistration, then
   * ConfirmRegistration), checking its answers.
   */
  async registerPortal (adminId: string, options?: CallOptions): Promise<NoPassSandboxPortal> {
    return fromWire(await this.channel.later('nopass.register_portal', { adminId }, options))
  }

  /**
   * Completes a registration the portal started with PreRegisterUser, as the NoPass app
   * does; resolves with the new session's `authId`.
   */
  async completeUserRegistration (userId: string, options?: CallOptions): Promise<string> {
    return await this.channel.later('nopass.complete_user_registration', { userId }, options)
  }

  /** A registration the NoPass server starts itself; resolves with the session's `authId`. */
  async registerUserFromServer (login: string, email?: string | null, options?: CallOptions): Promise<string> {
    return await this.channel.later('nopass.register_user_from_server', { login, email }, options)
  }

  /** UpdatePicture with a fresh picture for the login `authId`. */
  async updatePicture (authId: string, options?: CallOptions): Promise<NoPassCallbackReply> {
    return reply(await this.channel.later('nopass.update_picture', { authId }, options))
  }

  /** AuthorizedUser: the person approved (`true`) or denied the login. */
  async authorize (authId: string, authorized: boolean, reason?: string | null, options?: CallOptions): Promise<NoPassCallbackReply> {
    return reply(await this.channel.later('nopass.authorize', { authId, authorized, reason }, options))
  }

  /** A whole login: `pictures` UpdatePictures, then the decision. */
  async driveLogin (authId: string, pictures: number, authorized: boolean, options?: CallOptions): Promise<void> {
    await this.channel.later('nopass.drive_login', { authId, pictures, authorized }, options)
  }

  /** CloseSession for `authId`. */
  async closeSession (authId: string, options?: CallOptions): Promise<NoPassCallbackReply> {
    return reply(await this.channel.later('nopass.close_session', { authId }, options))
  }

  /**
   * UpdateUser with `updates` as the seed shapes them
   * (`{ givenName: { newValue, forbiddenStore }, … }`).
   */
  async updateUser (userId: string, updates: any, options?: CallOptions): Promise<NoPassCallbackReply> {
    return reply(await this.channel.later('nopass.update_user', { userId, updates }, options))
  }

  /** DeleteUser: the user's NoPass account is gone. */
  async deleteUser (userId: string, options?: CallOptions): Promise<NoPassCallbackReply> {
    return reply(await this.channel.later('nopass.delete_user', { userId }, options))
  }

  /** AddUsers with `users` (`[{ givenName, surName, phoneNumber, email, login, isUseEmailAsLogin }]`). */
  async addUsers (users: any, options?: CallOptions): Promise<NoPassCallbackReply> {
    return reply(await this.channel.later('nopass.add_users', { users }, options))
  }

  /** DisableService: the portal was deleted in the NoPass console. */
  async disableService (options?: CallOptions): Promise<NoPassCallbackReply> {
    return reply(await this.channel.later('nopass.disable_service', {}, options))
  }
}
