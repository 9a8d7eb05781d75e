/**
 * The two EventBridge Scheduler calls that pause and resume a plan, GetSchedule and
 * UpdateSchedule, through the AWS SDK's Scheduler client.
 */
import {
  type ActionAfterCompletion,
  type FlexibleTimeWindow,
  GetScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  type ScheduleState,
  type Target,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";

/** What GetSchedule returns that UpdateSchedule takes back: UpdateSchedule replaces the whole schedule. */
export interface ScheduleDefinition {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  FlexibleTimeWindow: FlexibleTimeWindow;
  Target: Target;
  State: ScheduleState;
  Description?: string;
  StartDate?: Date;
  EndDate?: Date;
  KmsKeyArn?: string;
  ActionAfterCompletion?: ActionAfterCompletion;
}

export interface SchedulerApi {
  /** undefined when there is no such schedule. */
  getSchedule(name: string, groupName: string): Promise<ScheduleDefinition | undefined>;
  updateSchedule(definition: ScheduleDefinition): Promise<void>;
}

/**
 * @example
 * const api = schedulerApi(new SchedulerClient({}));
 * const weekly = await api.getSchedule("lifeboat-prod-plan-weekly", "default");
 */
export function schedulerApi(scheduler: SchedulerClient): SchedulerApi {
  /** Scheduler's refusal, naming the call and the schedule it was about. */
  const refused = (operation: string, name: string, error: unknown) =>
    new Error(`EventBridge Scheduler ${operation} ${name}: ${(error as Error).name}: ${(error as Error).message}`, {
      cause: error,
    });

  return {
    async getSchedule(name, groupName) {
      try {
        const found = await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: groupName }));
        const { GroupName, ScheduleExpression, FlexibleTimeWindow, Target, State } = found;
        if (!GroupName || !ScheduleExpression || !FlexibleTimeWindow || !Target || !State) {
          throw new Error("the answer lacks one of GroupName, ScheduleExpression, FlexibleTimeWindow, Target, State");
        }
        // Only what UpdateSchedule takes: not the ARN, creation time or response metadata.
        return {
          Name: found.Name ?? name,
          GroupName,
          ScheduleExpression,
          FlexibleTimeWindow,
          Target,
          State,
          ...defined({
            ScheduleExpressionTimezone: found.ScheduleExpressionTimezone,
            Description: found.Description,
            StartDate: found.StartDate,
            EndDate: found.EndDate,
            KmsKeyArn: found.KmsKeyArn,
            ActionAfterCompletion: found.ActionAfterCompletion,
          }),
        };
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw refused("GetSchedule", name, error);
      }
    },
    async updateSchedule(definition) {
      try {
        await scheduler.send(new UpdateScheduleCommand(definition));
      } catch (error) {
        throw refused("UpdateSchedule", definition.Name, error);
      }
    },
  };
}

/** The entries whose value is set: a schedule read back must not gain keys it never had. */
function defined<T extends Record<string, unknown>>(entries: T): Partial<T> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as Partial<T>;
}
