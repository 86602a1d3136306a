/**
 * Response bodies shaped like Alibaba Cloud OpenAPI results (ESS, ECS, Cloud Assistant), as plain objects
 * that the writers serialise to compact JSON, pretty JSON or XML. Traps for parsers that are not exact:
 * nested `Code` members in success bodies (`"Code":"200"`, `"Code":"Success"`, nested `ErrorCode`),
 * JSON text with a `Code` inside string values, a nested non-numeric `StatusCode`, escaped quotes,
 * non-ASCII text, and the request id first or last at random.
 */

const ERROR_CODES = [
  "Throttling",
  "InvalidParameter",
  "Forbidden.RiskControl",
  "SignatureDoesNotMatch",
  "InternalError",
  "ServiceUnavailable",
];

const HOSTS = [
  "ess.aliyuncs.com",
  "ess.cn-hangzhou.aliyuncs.com",
  "ecs.cn-shanghai.aliyuncs.com",
  "ecs-cn-hangzhou.aliyuncs.com",
  "",
];
const REGIONS = [
  ["cn-hangzhou", "华东1（杭州）"],
  ["cn-shanghai", "华东2（上海）"],
  ["cn-beijing", "华北2（北京）"],
  ["ap-southeast-1", "新加坡"],
  ["eu-central-1", "德国（法兰克福）"],
];
const PARAMS = ["ScalingGroupId", "PageSize", "RegionId", "InstanceId", "ScalingRuleAri"];

/** Fraction of success bodies that carry nested Code members (the reference corpus had 10.4%). */
const TRAP_SHARE = 0.104;

/** One ScalingGroup of DescribeScalingGroups (also the items of the huge single-line body). */
export function scalingGroup(d) {
  const [region, regionName] = d.pick(REGIONS);
  const item = {
    ScalingGroupId: `asg-${d.alnum(20)}`,
    ScalingGroupName: d.chance(0.1) ? `伸缩组-${d.alnum(4)}` : `web-${d.alnum(6)}`,
    RegionId: region,
    LifecycleState: d.pick(["Active", "Active", "Active", "Inactive", "Deleting"]),
    MinSize: d.int(0, 2),
    MaxSize: d.int(3, 50),
    DesiredCapacity: d.int(1, 10),
    ActiveCapacity: d.int(0, 10),
    VSwitchIds: { VSwitchId: [`vsw-${d.alnum(20)}`] },
    CreationTime: `2026-${String(d.int(1, 11)).padStart(2, "0")}-${String(d.int(10, 28))}T0${d.int(0, 9)}:00Z`,
  };
  if (d.chance(0.05)) item.Description = `owner "ops" — ${regionName}`;
  return item;
}

function scalingInstance(d) {
  return {
    InstanceId: `i-${d.alnum(20)}`,
    ScalingGroupId: `asg-${d.alnum(20)}`,
    HealthStatus: d.pick(["Healthy", "Healthy", "Unhealthy"]),
    LifecycleState: "InService",
    CreationType: d.pick(["AutoCreated", "Attached"]),
    ZoneId: `cn-hangzhou-${d.pick(["g", "h", "i"])}`,
  };
}

function region(d) {
  const [id, name] = d.pick(REGIONS);
  return { RegionId: id, LocalName: name, RegionEndpoint: `ecs.${id}.aliyuncs.com` };
}

function activity(d) {
  const n = d.int(1, 3);
  return {
    ScalingActivityId: `asa-${d.alnum(20)}`,
    // A nested, non-numeric StatusCode: neither a body nor a wrapper status (it is on a child).
    StatusCode: d.pick(["Successful", "Successful", "Failed", "InProgress"]),
    Description: `Add "${n}" ECS instance(s)`,
    Cause: `A user requests to execute scaling rule "asr-${d.alnum(8)}", changing the Total Capacity from "1" to "${1 + n}".`,
  };
}

function invocationResult(d) {
  const r = {
    CommandId: `c-${d.alnum(16)}`,
    InvokeId: `t-${d.alnum(16)}`,
    InstanceId: `i-${d.alnum(20)}`,
    InvocationStatus: "Success",
    ExitCode: 0,
    ErrorCode: "",
    Code: d.pick(["200", "Success"]),
  };
  if (d.chance(0.2)) r.ErrorCode = "InvalidInstance.NotRunning";
  if (d.chance(0.3))
    r.Output = d.pick(['{"Code":"Throttling","Message":"retry later"}', "done <ok> & exit", "任务完成"]);
  if (d.chance(0.3)) r.Result = { Code: d.pick(["200", "Success"]), Message: "ok" };
  return r;
}

/** Success body shapes: [action, top-level fields, list container, list member, make item]. */
const SHAPES = [
  ["DescribeScalingGroups", "ScalingGroups", "ScalingGroup", scalingGroup],
  ["DescribeScalingInstances", "ScalingInstances", "ScalingInstance", scalingInstance],
  ["DescribeRegions", "Regions", "Region", region],
  ["DescribeScalingActivities", "ScalingActivities", "ScalingActivity", activity],
];
const TRAP_SHAPE = ["DescribeInvocationResults", "InvocationResults", "InvocationResult", invocationResult];

/** Length of `value` as compact JSON, in UTF-16 units: close enough to bytes to size bodies. */
const jsonLength = (value) => JSON.stringify(value).length;

/**
 * A success body of about `targetBytes` (compact JSON). Returns the action, the body object (RequestId
 * first or last) and whether it carries nested Code traps.
 */
export function successBody(d, targetBytes) {
  const trap = d.chance(TRAP_SHARE);
  const [action, container, member, make] = trap ? TRAP_SHAPE : d.pick(SHAPES);
  const items = [];
  const head = { TotalCount: 0, PageNumber: 1, PageSize: 50 };
  let size = jsonLength(head) + 70 + container.length + member.length;
  // Stop at the item that would overshoot the target by more than half its size, so sizes centre on it.
  for (;;) {
    const item = make(d);
    const n = jsonLength(item) + 1;
    if (items.length > 0 && size + n / 2 > targetBytes) break;
    items.push(item);
    size += n;
  }
  head.TotalCount = items.length;
  const list = { [container]: { [member]: items } };
  const fields = trap ? { Invocation: list, ...head } : { ...head, ...list };
  const requestId = d.requestId();
  const body = d.chance(0.5) ? { RequestId: requestId, ...fields } : { ...fields, RequestId: requestId };
  return { action, body, trap };
}

const MESSAGES = {
  Throttling: () => "Request was denied due to request throttling.",
  InvalidParameter: (d) =>
    d.chance(0.2)
      ? `The specified value of parameter "${d.pick(PARAMS)}" is not valid.`
      : `The specified value of parameter ${d.pick(PARAMS)} is not valid.`,
  "Forbidden.RiskControl": (d) =>
    `This operation is forbidden by Aliyun Risk Control system.${d.chance(0.3) ? " 风控拦截" : ""}`,
  SignatureDoesNotMatch: (d) =>
    d.chance(0.5)
      ? "The signature we calculated does not match the one you provided."
      : `Specified signature is not matched with our calculation. server string to sign is:GET&%2F&AccessKeyId%3D${d.alnum(8)}%26Action%3DDescribeScalingGroups`,
  InternalError: () => "The request processing has failed due to some unknown error, exception or failure.",
  ServiceUnavailable: () => "The request has failed due to a temporary failure of the server.",
};

const ERROR_ACTIONS = [
  "DescribeScalingGroups",
  "ScaleWithAdjustment",
  "ExecuteScalingRule",
  "DescribeInstances",
];

/** An error body in the documented order RequestId, HostId, Code, Message[, Recommend]. */
export function errorBody(d) {
  const code = d.pick(ERROR_CODES);
  const body = { RequestId: d.requestId(), HostId: d.pick(HOSTS), Code: code, Message: MESSAGES[code](d) };
  if (d.chance(0.5)) body.Recommend = `https://api.aliyun.com/troubleshoot?q=${code}&product=Ess`;
  return { action: d.pick(ERROR_ACTIONS), body, code };
}

const XML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const escapeXml = (s) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);

/** Alibaba's XML form of a JSON result: `{A:{B:[x,y]}}` → `<A><B>x</B><B>y</B></A>`. */
export function toXml(name, value) {
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join("");
  if (value !== null && typeof value === "object") {
    let inner = "";
    for (const [k, v] of Object.entries(value)) inner += toXml(k, v);
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}
