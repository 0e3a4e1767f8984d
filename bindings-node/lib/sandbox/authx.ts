// `sandbox.authx`: the AuthX stand-in's control API (core's `authx.*` operations):
// applications, tokens, users and biometric uploads.
import type { BiometricAppOptions } from '../../index.js'
import { type ControlChannel, fromWireOrNull, type Presets } from './control.js'

/** A user as the stand-in holds it. */
export interface AuthxSandboxUser {
  guid: string
  userName: string
  email: string
  firstName: string
  lastName: string
  countryCode: string
  number: string
  /** `alias_name` … `alias_name4` (`null` for none). */
  aliases: Array<string | null>
  hasPin: boolean
  /** The `authentication_id`s with an enrolled sample (1 finger, 2 face, 3 palm). */
  enrolled: number[]
}

/** What the stand-in saw of the last accepted ProcessBiometric upload. */
export interface AuthxSandboxUpload {
  /** Size of the `biometricdata` part. */
  bytes: number
  /** SHA-256 of the `biometricdata` part, in hex. */
  sha256: string
  /** The request's `Content-Length` (left out for a chunked upload). */
  contentLength?: number
  dataContentType: string
  /** The `processBiometrics` part. */
  processBiometrics: any
}

/** The AuthX stand-in's control API (`sandbox.authx`). */
export class AuthxSandbox {
  /** @internal */
  constructor (private readonly channel: ControlChannel, private readonly presets: Presets) {}

  /** The Manage API `ApplicationId` the stand-in accepts from the start. */
  get applicationId (): string {
    return this.presets['authx.APPLICATION_ID']
  }

  /** Its `ApplicationKey`. */
  get applicationKey (): string {
    return this.presets['authx.APPLICATION_KEY']
  }

  /**
   * The biometric application the stand-in accepts from the start, ready for
   * `AuthxOptions.biometricApp`.
   */
  get biometricApp (): BiometricAppOptions {
    return {
      applicationKey: this.presets['authx.BIOMETRIC_APPLICATION_KEY'],
      secretKey: this.presets['authx.BIOMETRIC_SECRET_KEY'],
      hostName: this.presets['authx.HOST_NAME']
    }
  }

  /** Accepts another Manage API application. */
  addApplication (applicationId: string, applicationKey: string): void {
    this.channel.now('authx.add_application', { applicationId, applicationKey })
  }

  /** Accepts another biometric application. */
  addBiometricApp (applicationKey: string, secretKey: string, hostName: string): void {
    this.channel.now('authx.add_biometric_app', { applicationKey, secretKey, hostName })
  }

  /** The lifetime (`expires_in`, in ms) of tokens issued from now on. */
  setTokenLifetime (lifetimeMs: number): void { this.channel.now('authx.set_token_lifetime', { lifetimeMs }) }

  /** Ends every token issued so far: calls carrying one get 401 from now on. */
  expireTokens (): void { this.channel.now('authx.expire_tokens') }

  /** Every access token issued, oldest first. */
  issuedTokens (): string[] { return this.channel.now('authx.issued_tokens') }

  /** The user with this `guid`, or `null`. */
  user (guid: string): AuthxSandboxUser | null { return fromWireOrNull(this.channel.now('authx.user', { guid })) }

  /** The user with this `user_name`, or `null`. */
  userNamed (userName: string): AuthxSandboxUser | null {
    return fromWireOrNull(this.channel.now('authx.user_named', { userName }))
  }

  /** How many users the stand-in holds. */
  userCount (): number { return this.channel.now('authx.user_count') }

  /**
   * The next ProcessBiometric answers `responseCode` instead of comparing samples (to
   * produce `face_quality_poor`, `too_many_face`, …). Queued codes are used in order.
   */
  queueBiometricOutcome (responseCode: number): void {
    this.channel.now('authx.queue_biometric_outcome', { responseCode })
  }

  /** The JSON body of the last request on a JSON route (`authx.AddUser`, …), as received. */
  lastRequest (route: string): any | null { return this.channel.now('authx.last_request', { route }) }

  /** What the last accepted ProcessBiometric upload carried, or `null`. */
  lastUpload (): AuthxSandboxUpload | null { return fromWireOrNull(this.channel.now('authx.last_upload')) }

  /**
   * Reads ProcessBiometric bodies at no more than `bytesPerSecond` from now on (`null`: as fast
   * as they arrive), so a test can cancel an upload in flight.
   */
  setUploadRate (bytesPerSecond: number | null): void {
    this.channel.now('authx.set_upload_rate', { bytesPerSecond })
  }

  /** How many uploads the client abandoned before their whole body arrived. */
  abortedUploads (): number { return this.channel.now('authx.aborted_uploads') }
}
