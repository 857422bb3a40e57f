import { Injectable, Module, Scope, type Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Operation } from './decorators/operation.decorator.js';
import { Pipeline } from './decorators/pipeline.decorator.js';
import { Orchestrator } from './orchestrator.js';
import { OrchestratorModule } from './orchestrator.module.js';
import { PipelineRegistry } from './pipeline.registry.js';

async function boot(providers: Provider[], options = {}) {
  const module = await Test.createTestingModule({
    imports: [OrchestratorModule.forRoot({ logFailures: false, ...options })],
    providers,
  }).compile();
  return module.init();
}

@Pipeline()
class Valid {
  @Operation()
  only() {}
}

describe('PipelineExplorer boot-time validation', () => {
  it('refuses a @Pipeline with no @Operation', async () => {
    @Pipeline()
    class Empty {
      idle() {}
    }
    await expect(boot([Empty])).rejects.toThrow(
      '@Pipeline Empty has no @Operation methods: decorate at least one method, or remove @Pipeline.',
    );
  });

  it('refuses two operations with the same name, naming both methods', async () => {
    @Pipeline()
    class Twice {
      @Operation({ name: 'save' })
      saveDraft() {}

      @Operation({ name: 'save' })
      saveFinal() {}
    }
    await expect(boot([Twice])).rejects.toThrow(
      'two operations named "save" (Twice@saveDraft and Twice@saveFinal)',
    );
  });

  it('refuses two pipelines with the same name', async () => {
    @Pipeline('checkout')
    class CheckoutA {
      @Operation()
      go() {}
    }
    @Pipeline({ name: 'checkout' })
    class CheckoutB {
      @Operation()
      go() {}
    }
    await expect(boot([CheckoutA, CheckoutB])).rejects.toThrow(
      'Two pipelines are named "checkout" (CheckoutA and CheckoutB)',
    );
  });

  it('refuses a request-scoped pipeline', async () => {
    @Injectable({ scope: Scope.REQUEST })
    @Pipeline()
    class PerRequest {
      @Operation()
      go() {}
    }
    await expect(boot([PerRequest])).rejects.toThrow(
      '@Pipeline PerRequest is request-scoped or transient',
    );
  });

  it('refuses a transient pipeline', async () => {
    @Injectable({ scope: Scope.TRANSIENT })
    @Pipeline()
    class Fresh {
      @Operation()
      go() {}
    }
    await expect(boot([Fresh])).rejects.toThrow('@Pipeline Fresh is request-scoped or transient');
  });

  it('refuses a pipeline that depends on a request-scoped provider', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class RequestContext {}
    @Pipeline()
    class Dependent {
      constructor(readonly request: RequestContext) {}

      @Operation()
      go() {}
    }
    await expect(boot([RequestContext, Dependent])).rejects.toThrow(
      '@Pipeline Dependent is request-scoped',
    );
  });

  it('refuses @Operation on a provider that is not a @Pipeline', async () => {
    @Injectable()
    class Forgotten {
      @Operation()
      step() {}
    }
    await expect(boot([Forgotten])).rejects.toThrow(
      'Forgotten@step is decorated @Operation but Forgotten is not a @Pipeline: add @Pipeline() to the class.',
    );
  });

  it.each([0, -5, Number.NaN, Infinity])('refuses an invalid timeout (%p)', async (timeoutMs) => {
    @Pipeline()
    class Timed {
      @Operation({ timeoutMs })
      go() {}
    }
    await expect(boot([Timed])).rejects.toThrow(`Timed@go has an invalid timeout (${timeoutMs})`);
  });

  it('refuses an invalid module default timeout', async () => {
    await expect(boot([Valid], { defaultPipelineTimeoutMs: -1 })).rejects.toThrow(
      'OrchestratorModule defaultPipelineTimeoutMs has an invalid timeout (-1)',
    );
  });

  it('rejects run() of a class that is not registered', async () => {
    @Pipeline()
    class NeverProvided {
      @Operation()
      go() {}
    }
    const app = await boot([Valid]);
    await expect(app.get(Orchestrator).run(NeverProvided, {})).rejects.toThrow(
      "Pipeline NeverProvided is not registered: decorate it with @Pipeline(), list it in a module's providers",
    );
    await expect(app.get(Orchestrator).run('nope', {})).rejects.toThrow(
      'Pipeline "nope" is not registered',
    );
    await app.close();
  });

  it('registers a pipeline once even when it is exported and re-provided by alias', async () => {
    @Module({ providers: [Valid], exports: [Valid] })
    class Feature {}
    const module = await Test.createTestingModule({
      imports: [OrchestratorModule.forRoot({ logFailures: false }), Feature],
      providers: [{ provide: 'alias', useExisting: Valid }],
    }).compile();
    await module.init();
    expect(
      module
        .get(PipelineRegistry)
        .list()
        .map((p) => p.name),
    ).toEqual(['Valid']);
    await module.close();
  });
});
