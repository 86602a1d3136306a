import type { BodyFormat, Frame, Parsed } from "../core/records.js";
import { FieldClass } from "./field-names.js";

/** A member value as the parsers report it: strings and numbers as they are, anything else as null. */
export type FieldValue = string | number | null;

/** Depths whose containers are kept for the next body: real bodies nest far less. */
const POOLED_DEPTHS = 64;

/**
 * One open object (JSON) or element (XML). Fields are kept in first-occurrence order of their names
 * (so per class too); a repeated name replaces its value (JSON.parse semantics: the last value wins).
 * Containers are reused (FactsBuilder keeps one per depth, up to POOLED_DEPTHS), so the arrays only
 * grow: a body's fields allocate nothing but their values.
 */
class Container {
  private readonly classes: FieldClass[] = [];
  private readonly names: string[] = [];
  private readonly values: FieldValue[] = [];
  private count = 0;
  /** Logger members seen (FieldClass.Envelope: only their number matters), and time members' names. */
  private loggerMembers = 0;
  private timeNames = 0;
  depth = 0;

  reset(depth: number): void {
    this.depth = depth;
    this.count = 0;
    this.loggerMembers = 0;
    this.timeNames = 0;
  }

  set(cls: FieldClass, name: string, value: FieldValue): void {
    if (cls === FieldClass.Envelope) {
      this.loggerMembers++;
      return;
    }
    const n = this.count;
    for (let i = 0; i < n; i++) {
      if (this.classes[i] === cls && this.names[i] === name) {
        this.values[i] = value;
        return;
      }
    }
    this.classes[n] = cls;
    this.names[n] = name;
    this.values[n] = value;
    this.count = n + 1;
    if (cls === FieldClass.Time) this.timeNames++;
  }

  /** A log envelope (docs/design.md §3): two or more distinct logger members (`level` + `time`, `msg` + `pid` …). */
  isEnvelope(): boolean {
    return this.loggerMembers + this.timeNames >= 2;
  }

  /** The first value of a class that `valid` accepts. */
  pick<T>(cls: FieldClass, valid: (v: FieldValue) => T | null): T | null {
    const n = this.count;
    for (let i = 0; i < n; i++) {
      if (this.classes[i] !== cls) continue;
      const r = valid(this.values[i] as FieldValue);
      if (r !== null) return r;
    }
    return null;
  }
}

/** An empty (or blank) request id still makes a response: the member is present (docs/design.md §3). */
function asRequestId(v: FieldValue): string | null {
  if (typeof v === "number") return String(v);
  return typeof v === "string" ? v.trim() : null;
}

/** A logger's time member as it was written (i8's event time parses it). */
function asTime(v: FieldValue): string | number | null {
  return v;
}

function asCode(v: FieldValue): string | null {
  if (typeof v === "number") return String(v);
  return typeof v === "string" ? v.trim() : null;
}

function asText(v: FieldValue): string | null {
  return typeof v === "string" ? v.trim() : null;
}

function asAction(v: FieldValue): string | null {
  if (typeof v !== "string") return null;
  const t = v.trim();
  return t === "" ? null : t;
}

/** An HTTP status: an integer 100–599, as a number or a string of digits. */
function asStatus(v: FieldValue): number | null {
  let n: number;
  if (typeof v === "number") n = v;
  else if (typeof v === "string" && /^\s*\d{3}\s*$/.test(v)) n = Number(v);
  else return null;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : null;
}

const NO_FRAMES: readonly Frame[] = [];

/** A response found inside a string value, and what the objects around that string add to it. */
interface InnerResponse {
  readonly frame: Frame;
  /** Containers open around it that have not closed yet. */
  height: number;
  status: number | null;
  action: string | null;
  time: string | number | null;
}

/** What a parser keeps per open container in `FactsBuilder.kinds`: its kind, and the builder's marks. */
export const OBJECT = 1;
export const ARRAY = 2;
/** Set by the builder: the container's close must reach it (it has fields, or its close matters). */
const HEARD = 4;
/** Set by the builder with HEARD: the container has a Container in `slots` (an object with fields). */
const FIELDS = 8;
/** Set by the builder with HEARD: a response was found inside the container, so every one below is marked too. */
const AROUND = 16;
/**
 * Set by the builder: the object's first field has no value (an object, array or literal: pick never
 * takes it) and is kept as class and name (`nullClass`, `nullName`), not in a container; a second
 * field gives the object its container, this one first (its name keeps its place). A line of
 * `{"RequestId":{"RequestId":…` thousands deep takes no container per depth.
 */
const PENDING = 32;

/**
 * Collects the facts of one body while a parser walks it, and picks the response: the shallowest
 * object with a request id, ties going to the first in document order (docs/design.md §3).
 *
 * Two ways to tell it the structure. A parser calls open/openArray/close/closeArray for objects
 * (elements) and arrays, and `field` for members whose name has a class. The JSON scanner, whose loop
 * is the hot path, keeps the height itself instead: it writes OBJECT or ARRAY into `kinds[depth]` when
 * a container opens, and calls `closeAt`/`closeArrayAt` only for a container the builder has marked
 * (its kind is no longer a plain OBJECT or ARRAY), and `fieldAt`/`innerAt` with the depth. Most containers of a success body have no field and
 * no response under them: they cost the scanner one store, not two calls.
 */
export class FactsBuilder {
  /** By depth: the open containers' kinds and marks (OBJECT | ARRAY, HEARD, FIELDS, AROUND, PENDING). */
  readonly kinds: number[] = [];
  /** By depth: the Container of an object marked FIELDS (else stale). */
  private readonly slots: Container[] = [];
  /** By depth: containers kept for the next body (up to POOLED_DEPTHS). */
  private readonly pool: Container[] = [];
  /** By depth: the first field of an object marked PENDING. */
  private readonly nullClass: FieldClass[] = [];
  private readonly nullName: string[] = [];
  /** The height of the open/close calls (the parsers that do not keep it themselves). */
  private height = 0;
  private best: Parsed | null = null;
  private bestDepth = Number.POSITIVE_INFINITY;
  /** Stack height when the best candidate closed: containers below it are its ancestors. */
  private ancestorsOpen = 0;
  private wrapperStatus: number | null = null;
  private wrapperAction: string | null = null;
  /** The best response's own time member when it is an envelope, else the nearest ancestor's. */
  private logTime: string | number | null = null;
  /** The element name of an XML response's root, when it is `{Action}Response`. */
  private rootName: string | null = null;
  private innerList: InnerResponse[] = [];

  constructor(private readonly format: BodyFormat) {}

  reset(): void {
    this.height = 0;
    this.best = null;
    this.bestDepth = Number.POSITIVE_INFINITY;
    this.ancestorsOpen = 0;
    this.wrapperStatus = null;
    this.wrapperAction = null;
    this.logTime = null;
    this.rootName = null;
    if (this.innerList.length > 0) this.innerList = [];
  }

  /** Responses found in a string value, with `height` containers open around the string. */
  innerAt(height: number, frames: readonly Frame[]): void {
    this.hear(height);
    for (const frame of frames)
      this.innerList.push({ frame, height, status: null, action: null, time: null });
  }

  /**
   * Marks the containers below `height` HEARD and AROUND: their closes complete a response found
   * inside them. Stops at one marked AROUND already: the ones below it were marked with it and are
   * still open (a container closes only after every one above it), so marking costs O(1) amortised.
   */
  private hear(height: number): void {
    const kinds = this.kinds;
    for (let d = height - 1; d >= 0; d--) {
      const k = kinds[d] as number;
      if (k & AROUND) return;
      kinds[d] = k | HEARD | AROUND;
    }
  }

  /** The responses found in string values, completed from the objects around their strings. */
  innerResults(): readonly Frame[] {
    if (this.innerList.length === 0) return NO_FRAMES;
    return this.innerList.map(({ frame, status, action, time }) => {
      const p = frame.parsed;
      if (
        (p.wrapperStatus !== null || status === null) &&
        (p.action !== null || action === null) &&
        (p.logTime !== null || time === null)
      )
        return frame;
      return {
        ...frame,
        parsed: {
          ...p,
          wrapperStatus: p.wrapperStatus ?? status,
          action: p.action ?? action,
          logTime: p.logTime ?? time,
        },
      };
    });
  }

  /** A container closed (already popped): it is an ancestor of the strings found inside it. */
  private closeAroundInner(c: Container | null, height: number): void {
    for (const r of this.innerList) {
      if (r.height <= height) continue;
      r.height = height;
      if (!c) continue;
      if (r.status === null) r.status = c.pick(FieldClass.Status, asStatus);
      if (r.action === null) r.action = c.pick(FieldClass.Action, asAction);
      if (r.time === null) r.time = c.pick(FieldClass.Time, asTime);
    }
  }

  // Containers are taken (from the pool) on their first field: most objects of a success body have
  // none.
  open(): void {
    this.kinds[this.height++] = OBJECT;
  }

  openArray(): void {
    this.kinds[this.height++] = ARRAY;
  }

  closeArray(): void {
    this.height--;
    if (this.kinds[this.height] !== ARRAY) this.closeArrayAt(this.height);
  }

  /** An array marked HEARD at `depth` closed. */
  closeArrayAt(depth: number): void {
    if (this.innerList.length > 0) this.closeAroundInner(null, depth);
    if (depth < this.ancestorsOpen) this.ancestorsOpen = depth;
  }

  field(cls: FieldClass, name: string, value: FieldValue): void {
    const at = this.height - 1;
    if (at >= 0 && ((this.kinds[at] as number) & ARRAY) === 0) this.fieldAt(at, cls, name, value);
  }

  /** A member of the object at `depth` whose name has a class. */
  fieldAt(depth: number, cls: FieldClass, name: string, value: FieldValue): void {
    const mark = this.kinds[depth] as number;
    let top: Container;
    // Logger members count whatever their value: they always take a container.
    if (mark & FIELDS) top = this.slots[depth] as Container;
    else if (
      value === null &&
      (mark & PENDING) === 0 &&
      cls !== FieldClass.Envelope &&
      cls !== FieldClass.Time
    ) {
      this.nullClass[depth] = cls;
      this.nullName[depth] = name;
      this.kinds[depth] = mark | PENDING;
      return;
    } else {
      top = this.pool[depth] ?? new Container();
      // Bounded memory: a line of objects nested thousands deep keeps no container per depth.
      if (depth < POOLED_DEPTHS) this.pool[depth] = top;
      top.reset(depth);
      this.slots[depth] = top;
      this.kinds[depth] = mark | HEARD | FIELDS;
      if (mark & PENDING) top.set(this.nullClass[depth] as FieldClass, this.nullName[depth] as string, null);
    }
    top.set(cls, name, value);
  }

  /** Closes an object; `elementName` is the XML element's local name. */
  close(elementName?: string): void {
    this.height--;
    if (this.kinds[this.height] !== OBJECT) this.closeAt(this.height, elementName);
  }

  /** An object marked HEARD at `depth` closed; `elementName` is the XML element's local name. */
  closeAt(depth: number, elementName?: string): void {
    const c = (this.kinds[depth] as number) & FIELDS ? (this.slots[depth] as Container) : null;
    if (c) this.closeContainer(c, depth, elementName);
    else if (depth < this.ancestorsOpen) this.ancestorsOpen = depth;
    if (this.innerList.length > 0) this.closeAroundInner(c, depth);
  }

  private closeContainer(c: Container, height: number, elementName: string | undefined): void {
    if (height < this.ancestorsOpen) {
      // An ancestor of the current best closes: the nearest one with a status/action supplies it.
      this.ancestorsOpen = height;
      if (this.wrapperStatus === null) this.wrapperStatus = c.pick(FieldClass.Status, asStatus);
      if (this.wrapperAction === null) this.wrapperAction = c.pick(FieldClass.Action, asAction);
      if (this.logTime === null) this.logTime = c.pick(FieldClass.Time, asTime);
    }
    if (c.depth >= this.bestDepth) return;
    const requestId = c.pick(FieldClass.RequestId, asRequestId);
    if (requestId === null) return;
    // A log record is not a response (docs/design.md §3): an envelope never is when a nested object is one,
    // and without one only with a response's own member, HostId.
    const envelope = this.format === "json" && c.isEnvelope();
    const nested = this.best !== null || this.innerList.length > 0;
    if (envelope && (nested || c.pick(FieldClass.HostId, asText) === null)) return;
    const code = c.pick(FieldClass.Code, asCode) ?? c.pick(FieldClass.ErrorCode, asCode) ?? "";
    this.best = {
      format: this.format,
      requestId,
      hostId: c.pick(FieldClass.HostId, asText),
      code,
      message: c.pick(FieldClass.Message, asText) ?? c.pick(FieldClass.ErrorMsg, asText),
      bodyStatus: c.pick(FieldClass.Status, asStatus),
      wrapperStatus: null,
      action: c.pick(FieldClass.Action, asAction),
      lineStatus: null,
      logTime: null,
    };
    this.bestDepth = c.depth;
    this.ancestorsOpen = height;
    this.hear(height);
    this.wrapperStatus = null;
    this.wrapperAction = null;
    this.logTime = envelope ? c.pick(FieldClass.Time, asTime) : null;
    this.rootName = elementName !== undefined && c.depth === 0 ? elementName : null;
    // What is inside a response is its content (README "What counts as a response"): a body in one
    // of its string members is not a response of its own.
    if (this.innerList.length > 0) {
      this.innerList = this.innerList.filter((r) => r.height <= height);
    }
  }

  /** The response of the body, once the body is complete; null when no object has a request id. */
  result(): Parsed | null {
    const best = this.best;
    if (best === null) return null;
    let action = best.action ?? this.wrapperAction;
    if (this.rootName !== null && this.rootName.length > 8 && this.rootName.endsWith("Response")) {
      action = this.rootName.slice(0, -8);
    }
    if (action === best.action && this.wrapperStatus === null && this.logTime === null) return best;
    return { ...best, wrapperStatus: this.wrapperStatus, action, logTime: this.logTime };
  }
}
