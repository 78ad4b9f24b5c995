/**
 * Field mapping (processing pipelines) as data. A pipeline says which events it reads, how a
 * rule's field names map to places in those events, and — for layouts that do not say what
 * they are, like evtx_dump JSON — how to tell an event's logsource from its content.
 *
 * The Windows tables follow SigmaHQ's THOR/evtx-sigma-checker log source configuration
 * (tests/thor.yml) and pySigma's windows/sysmon pipelines: a generic category is a set of
 * event ids in one channel, sometimes with renamed fields (process_creation from Security 4688
 * reads `NewProcessName` where Sysmon 1 has `Image`).
 */
import type { LogSource } from './types.js';

export interface CategoryMapping {
  category: string;
  service: string;
  ids: number[];
  /** rule field → event field name, for this category in this service */
  fields?: Record<string, string>;
}

/** Events that carry no logsource but whose content identifies it (Windows channels). */
export interface Classifier {
  product: string;
  /** rule field holding the channel, e.g. `Channel` */
  serviceField: string;
  /** rule field holding the event id */
  idField: string;
  /** Sigma service → channel names (compared case-insensitively) */
  services: Record<string, string[]>;
  categories: CategoryMapping[];
}

export interface FieldAliases {
  /** applies to rules whose logsource has these values */
  logsource: LogSource;
  /** rule field → event fields tried after the rule's own name, in order */
  fields: Record<string, string[]>;
}

export interface Pipeline {
  name: string;
  /** the pipeline reads events holding an object at this path; omitted: the default pipeline */
  detect?: string;
  classifier?: Classifier;
  /** rule field → event paths (explicit), tried in order */
  fields?: Record<string, string[]>;
  /** event paths for any other rule field; `{field}` is replaced by the rule's field name */
  fieldTemplates?: string[];
  aliases?: FieldAliases[];
  /**
   * Event keys match rule fields with their spaces removed, as the rules specification says of
   * Windows event detail names (`Threat Name` is read by `ThreatName`).
   */
  looseKeys?: boolean;
  /** where the event time is, tried in order */
  timeFields?: string[];
}

const sysmon = (category: string, ...ids: number[]): CategoryMapping => ({
  category,
  service: 'sysmon',
  ids,
});

export const windowsEvtxPipeline: Pipeline = {
  name: 'windows-evtx',
  detect: 'Event.System',
  classifier: {
    product: 'windows',
    serviceField: 'Channel',
    idField: 'EventID',
    services: {
      security: ['Security'],
      system: ['System'],
      application: ['Application'],
      sysmon: ['Microsoft-Windows-Sysmon/Operational'],
      powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
      'powershell-classic': ['Windows PowerShell'],
      taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
      wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
      'dns-server': ['DNS Server'],
      'dns-server-audit': ['Microsoft-Windows-DNS-Server/Audit'],
      'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
      'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
      ntlm: ['Microsoft-Windows-NTLM/Operational'],
      dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
      'msexchange-management': ['MSExchange Management'],
      applocker: [
        'Microsoft-Windows-AppLocker/MSI and Script',
        'Microsoft-Windows-AppLocker/EXE and DLL',
        'Microsoft-Windows-AppLocker/Packaged app-Deployment',
        'Microsoft-Windows-AppLocker/Packaged app-Execution',
      ],
      'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
      'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
      'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
      'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
      'smbclient-connectivity': ['Microsoft-Windows-SmbClient/Connectivity'],
      'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
      'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
      windefend: ['Microsoft-Windows-Windows Defender/Operational'],
      'terminalservices-localsessionmanager': [
        'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational',
      ],
      'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client'],
      'servicebus-client': [
        'Microsoft-ServiceBus-Client/Admin',
        'Microsoft-ServiceBus-Client/Operational',
      ],
      ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
      ldap_debug: ['Microsoft-Windows-LDAP-Client/Debug'],
      'security-mitigations': [
        'Microsoft-Windows-Security-Mitigations/Kernel Mode',
        'Microsoft-Windows-Security-Mitigations/User Mode',
      ],
      'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
      'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
      openssh: ['OpenSSH/Operational'],
      bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
      vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
      'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
      'lsa-server': ['Microsoft-Windows-LSA/Operational'],
      'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
      'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
      'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
      capi2: ['Microsoft-Windows-CAPI2/Operational'],
      'certificateservicesclient-lifecycle-system': [
        'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational',
      ],
      'kernel-shimengine': [
        'Microsoft-Windows-Kernel-ShimEngine/Operational',
        'Microsoft-Windows-Kernel-ShimEngine/Diagnostic',
      ],
      'application-experience': [
        'Microsoft-Windows-Application-Experience/Program-Telemetry',
        'Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant',
      ],
      ntfs: ['Microsoft-Windows-Ntfs/Operational'],
      'hyper-v-worker': ['Microsoft-Windows-Hyper-V-Worker'],
      'kernel-event-tracing': ['Microsoft-Windows-Kernel-EventTracing'],
      sense: ['Microsoft-Windows-SENSE/Operational'],
      'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
    },
    categories: [
      sysmon('process_creation', 1),
      {
        category: 'process_creation',
        service: 'security',
        ids: [4688],
        fields: { Image: 'NewProcessName', ParentImage: 'ParentProcessName' },
      },
      sysmon('file_change', 2),
      sysmon('network_connection', 3),
      sysmon('sysmon_status', 4, 16),
      sysmon('process_termination', 5),
      sysmon('driver_load', 6),
      sysmon('image_load', 7),
      sysmon('create_remote_thread', 8),
      sysmon('raw_access_thread', 9),
      sysmon('process_access', 10),
      sysmon('file_event', 11),
      sysmon('registry_event', 12, 13, 14),
      sysmon('registry_add', 12),
      sysmon('registry_delete', 12),
      sysmon('registry_set', 13),
      sysmon('registry_rename', 14),
      sysmon('create_stream_hash', 15),
      sysmon('pipe_created', 17, 18),
      sysmon('wmi_event', 19, 20, 21),
      sysmon('dns_query', 22),
      sysmon('file_delete', 23),
      sysmon('clipboard_change', 24),
      sysmon('process_tampering', 25),
      sysmon('file_delete_detected', 26),
      sysmon('file_block_executable', 27),
      sysmon('file_block_shredding', 28),
      sysmon('file_executable_detected', 29),
      sysmon('sysmon_error', 255),
      { category: 'ps_module', service: 'powershell', ids: [4103] },
      { category: 'ps_script', service: 'powershell', ids: [4104] },
      { category: 'ps_classic_start', service: 'powershell-classic', ids: [400] },
      { category: 'ps_classic_provider_start', service: 'powershell-classic', ids: [600] },
      { category: 'ps_classic_script', service: 'powershell-classic', ids: [800] },
      {
        category: 'antivirus',
        service: 'windefend',
        ids: [1006, 1007, 1008, 1009, 1010, 1011, 1012, 1017, 1018, 1019, 1115, 1116],
        fields: { Signature: 'ThreatName', Filename: 'Path' },
      },
    ],
  },
  fields: {
    EventID: ['Event.System.EventID'],
    Channel: ['Event.System.Channel'],
    Computer: ['Event.System.Computer'],
    Level: ['Event.System.Level'],
    Task: ['Event.System.Task'],
    Keywords: ['Event.System.Keywords'],
    Provider_Name: ['Event.System.Provider.#attributes.Name'],
    Provider_Guid: ['Event.System.Provider.#attributes.Guid'],
    Security_UserID: ['Event.System.Security.#attributes.UserID'],
    Execution_ProcessID: ['Event.System.Execution.#attributes.ProcessID'],
    Execution_ThreadID: ['Event.System.Execution.#attributes.ThreadID'],
  },
  fieldTemplates: ['Event.EventData.{field}', 'Event.UserData.*.{field}', 'Event.System.{field}'],
  looseKeys: true,
  timeFields: ['Event.System.TimeCreated.#attributes.SystemTime', 'Event.EventData.UtcTime'],
};

/**
 * Prahari's parsed events (and raw JSON given a logsource) already use the rule's field names;
 * the aliases let rules find the normalised ECS-style names the ingest adds when the source's
 * own name is absent.
 */
export const prahariPipeline: Pipeline = {
  name: 'prahari',
  aliases: [
    {
      logsource: { category: 'firewall' },
      fields: {
        src_ip: ['source.ip'],
        dst_ip: ['destination.ip'],
        src_port: ['source.port'],
        dst_port: ['destination.port'],
        action: ['event.action'],
        protocol: ['network.transport'],
      },
    },
    {
      logsource: { category: 'webserver' },
      fields: {
        'c-ip': ['source.ip'],
        'cs-method': ['http.request.method'],
        'c-uri': ['url.original', 'url.path'],
        'cs-uri-query': ['url.query'],
        'cs-uri-stem': ['url.path'],
        'sc-status': ['http.response.status_code'],
        'cs-user-agent': ['user_agent.original'],
        'cs-referer': ['http.request.referrer'],
        'cs-host': ['url.domain'],
        'cs-username': ['user.name'],
      },
    },
    {
      logsource: { category: 'proxy' },
      fields: {
        'c-ip': ['source.ip'],
        'c-uri': ['url.original'],
        'c-uri-query': ['url.query'],
        'c-uri-extension': ['url.extension'],
        'c-useragent': ['user_agent.original'],
        'cs-host': ['url.domain', 'destination.domain'],
        'cs-method': ['http.request.method'],
        'cs-referrer': ['http.request.referrer'],
        'sc-status': ['http.response.status_code'],
        'r-dns': ['destination.domain'],
        'cs-bytes': ['http.request.bytes'],
        'sc-bytes': ['http.response.bytes'],
        'cs-username': ['user.name'],
      },
    },
    {
      logsource: { category: 'dns' },
      fields: {
        query: ['dns.question.name'],
        answer: ['dns.answers.data'],
        record_type: ['dns.question.type'],
        src_ip: ['source.ip'],
        dst_ip: ['destination.ip'],
      },
    },
    {
      logsource: { product: 'linux' },
      fields: {
        User: ['user.name'],
        Image: ['process.executable'],
        CommandLine: ['process.command_line'],
        ParentImage: ['process.parent.executable'],
        ParentCommandLine: ['process.parent.command_line'],
        ProcessId: ['process.pid'],
        TargetFilename: ['file.path'],
        DestinationIp: ['destination.ip'],
        DestinationPort: ['destination.port'],
      },
    },
  ],
  timeFields: ['@timestamp', 'timestamp', 'time', 'ts', 'eventTime', 'EventTime', 'UtcTime'],
};

export const builtinPipelines: Pipeline[] = [windowsEvtxPipeline, prahariPipeline];
